//go:build !unix

package isolation

import "os"

func killedBy(st *os.ProcessState) string { return "" }

//go:build !unix

package processing

import "os"

func openNoBlock(path string) (*os.File, error) { return os.Open(path) }

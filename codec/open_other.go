//go:build !unix

package codec

import "os"

func openNoBlock(path string) (*os.File, error) { return os.Open(path) }

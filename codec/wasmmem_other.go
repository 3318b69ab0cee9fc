//go:build (!cgo || picpool_purego || picpool_wasmcodecs) && !linux && !darwin && !freebsd && !netbsd && !openbsd && !windows

package codec

import "github.com/tetratelabs/wazero/experimental"

// newWasmMemory: on other systems a module's memory is a Go slice (goMemory).
func newWasmMemory(_, max uint64) experimental.LinearMemory { return &goMemory{max: max} }

//go:build (!cgo || picpool_purego || (picpool_wasmcodecs && !picpool_static_heif)) && !linux && !darwin && !freebsd && !netbsd && !openbsd && !windows

package codec

import "github.com/tetratelabs/wazero/experimental"

// newWasmMemory: on other systems a module's memory is a Go slice (goMemory).
func newWasmMemory(_, max uint64) experimental.LinearMemory { return &goMemory{max: max} }

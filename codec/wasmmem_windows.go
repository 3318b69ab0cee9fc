//go:build !cgo || picpool_purego || (picpool_wasmcodecs && !picpool_static_heif)

package codec

import (
	"unsafe"

	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/windows"
)

// newWasmMemory backs a WebAssembly module's memory (wasmhost.go): its
// largest size is reserved as address space, and what the module grows to
// is committed, in place (committed pages are zeroed, as a module's new
// memory must be); Free releases the range.
func newWasmMemory(_, max uint64) experimental.LinearMemory {
	addr, err := windows.VirtualAlloc(0, uintptr(max), windows.MEM_RESERVE, windows.PAGE_NOACCESS)
	if err != nil {
		return &goMemory{max: max}
	}
	base := *(*unsafe.Pointer)(unsafe.Pointer(&addr)) // memory outside Go's heap, as x/sys/windows does
	return &mappedMemory{addr: addr, buf: unsafe.Slice((*byte)(base), int(max))}
}

type mappedMemory struct {
	addr uintptr
	buf  []byte // all of the reserved range
	used int    // committed up to here, a multiple of 64 KiB (WebAssembly's page)
}

func (m *mappedMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.buf)) {
		return nil
	}
	if n := int((size + 0xffff) &^ 0xffff); n > m.used {
		if _, err := windows.VirtualAlloc(m.addr+uintptr(m.used), uintptr(n-m.used), windows.MEM_COMMIT, windows.PAGE_READWRITE); err != nil {
			return nil // the module sees memory.grow fail: out of memory
		}
		m.used = n
	}
	return m.buf[:size:size]
}

func (m *mappedMemory) Free() {
	if m.addr != 0 {
		_ = windows.VirtualFree(m.addr, 0, windows.MEM_RELEASE)
		m.addr, m.buf = 0, nil
	}
}

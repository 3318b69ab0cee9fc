//go:build (!cgo || picpool_purego || (picpool_wasmcodecs && !picpool_static_heif)) && (linux || darwin || freebsd || netbsd || openbsd)

package codec

import (
	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"
)

// newWasmMemory backs a WebAssembly module's memory (wasmhost.go): its
// largest size is reserved as address space that may not be touched, and
// what the module grows to is made readable and writable, in place. Pages
// are the system's zeroed anonymous pages, as a module's new memory must be;
// Free unmaps them all.
func newWasmMemory(_, max uint64) experimental.LinearMemory {
	b, err := unix.Mmap(-1, 0, int(max), unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return &goMemory{max: max}
	}
	return &mappedMemory{buf: b}
}

type mappedMemory struct {
	buf  []byte // all of the reserved range
	used int    // readable and writable up to here, a multiple of the page size
}

func (m *mappedMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.buf)) {
		return nil
	}
	if n := pageRound(int(size)); n > m.used {
		if unix.Mprotect(m.buf[m.used:n], unix.PROT_READ|unix.PROT_WRITE) != nil {
			return nil // the module sees memory.grow fail: out of memory
		}
		m.used = n
	}
	return m.buf[:size:size]
}

func (m *mappedMemory) Free() {
	if m.buf != nil {
		_ = unix.Munmap(m.buf)
		m.buf = nil
	}
}

func pageRound(n int) int {
	p := unix.Getpagesize()
	return (n + p - 1) / p * p
}

//go:build !cgo || picpool_purego || (picpool_wasmcodecs && !picpool_static_heif)

package codec

import (
	"testing"
	"unsafe"

	"github.com/tetratelabs/wazero/experimental"
)

// A module's memory grows in place, zeroed, up to its maximum and no
// further; what was written stays.
func TestWasmMemoryGrowsInPlace(t *testing.T) {
	const page = 64 << 10
	testWasmMemory(t, newWasmMemory(page, 4096*page))
}

// The Go slice where the system's memory cannot be reserved: it moves,
// and keeps what was written.
func TestWasmMemoryGoSlice(t *testing.T) {
	testWasmMemory(t, &goMemory{max: 4096 * 64 << 10})
}

func testWasmMemory(t *testing.T, m experimental.LinearMemory) {
	const page = 64 << 10
	defer m.Free()
	b := m.Reallocate(3 * page)
	if len(b) != 3*page {
		t.Fatalf("first size %d", len(b))
	}
	b[0], b[len(b)-1] = 1, 2
	base := unsafe.SliceData(b)
	prev := len(b)
	for _, pages := range []int{4, 5, 100, 101, 150, 1000} {
		c := m.Reallocate(uint64(pages * page))
		if len(c) != pages*page {
			t.Fatalf("%d pages: size %d", pages, len(c))
		}
		if _, slice := m.(*goMemory); !slice && unsafe.SliceData(c) != base {
			t.Fatalf("%d pages: the memory moved", pages)
		}
		if c[0] != 1 || c[3*page-1] != 2 || c[prev-1] != 3 && prev > 3*page {
			t.Fatalf("%d pages: contents lost", pages)
		}
		for i := prev; i < len(c); i += 4093 {
			if c[i] != 0 {
				t.Fatalf("%d pages: byte %d of new memory is %d", pages, i, c[i])
			}
		}
		c[len(c)-1] = 3 // writable to the end
		prev = len(c)
	}
	if m.Reallocate(4097*page) != nil {
		t.Error("grew past its maximum")
	}
}

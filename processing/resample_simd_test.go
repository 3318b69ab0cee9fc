//go:build cgo

package processing

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// The C kernels compute exactly what the Go ones do, on random bytes and
// weights (negative ones included), for every tap count up to 20 and lengths
// that are not multiples of the 16 bytes SSE2 takes at a time.
func TestKernelsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	bytesOf := func(n int) []uint8 {
		b := make([]uint8, n)
		for i := range b {
			b[i] = uint8(r.IntN(256))
		}
		return b
	}
	weights := func(n int) []int16 {
		c := make([]int16, n)
		total := 0
		for k := range c {
			c[k] = int16(r.IntN(fixOne/2) - fixOne/8)
			total += int(c[k])
		}
		c[0] += int16(fixOne - total) // sum to one, as newTaps makes them
		return c
	}
	for n := 1; n <= 20; n++ {
		for _, length := range []int{1, 15, 16, 17, 64, 100, 1027} {
			label := fmt.Sprintf("%d taps, %d bytes", n, length)
			// sumRows: n rows of one buffer, at scattered offsets.
			base := bytesOf(n*length + 64)
			off := make([]int64, n)
			for k := range off {
				off[k] = int64(r.IntN(len(base) - length + 1))
			}
			c := weights(n)
			got, want := make([]uint8, length), make([]uint8, length)
			sumRows(got, base, off, c)
			sumRowsGo(want, base, off, c)
			if !bytes.Equal(got, want) {
				t.Fatalf("sumRows, %s: C and Go differ", label)
			}
			// gatherRow: length/4+1 output pixels from a row of pixels.
			count := length/4 + 1
			src := bytesOf((count + n) * 4)
			start := make([]int32, count)
			cs := make([]int16, 0, count*n)
			for x := range start {
				start[x] = int32(min(x, count)) // never decreasing, as newTaps makes them
				cs = append(cs, weights(n)...)
			}
			got, want = make([]uint8, count*4), make([]uint8, count*4)
			gatherRow(got, src, start, cs, n)
			gatherRowGo(want, src, start, cs, n)
			if !bytes.Equal(got, want) {
				t.Fatalf("gatherRow, %s: C and Go differ", label)
			}
		}
	}
	for _, length := range []int{1, 15, 16, 33, 1000} {
		src, blurred := bytesOf(length), bytesOf(length)
		got, want := make([]uint8, length), make([]uint8, length)
		sharpenRow(got, src, blurred)
		sharpenRowGo(want, src, blurred)
		if !bytes.Equal(got, want) {
			t.Fatalf("sharpenRow, %d bytes: C and Go differ", length)
		}
	}
}

// The C kernels are called with slices the Go side checks: a wrong bound
// panics in Go rather than reaching C.
func TestKernelsCheckBounds(t *testing.T) {
	for name, call := range map[string]func(){
		"sumRows":    func() { sumRows(make([]uint8, 16), make([]uint8, 20), []int64{8}, []int16{fixOne}) },
		"gatherRow":  func() { gatherRow(make([]uint8, 8), make([]uint8, 8), []int32{0, 1}, []int16{fixOne, 0, fixOne, 0}, 2) },
		"sharpenRow": func() { sharpenRow(make([]uint8, 16), make([]uint8, 15), make([]uint8, 16)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			call()
		}()
	}
}

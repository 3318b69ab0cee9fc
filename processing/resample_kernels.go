package processing

// The portable kernels of the fast filters (see resample.go): plain Go,
// compiled in every build. cgo builds run the C versions in
// resample_simd.go, whose tests check that both give the same bytes.

// sumRowsGo sets out[i] to clip(fixHalf + sum over k of c[k] x
// base[off[k]+i]), a thousand bytes at a time so that the sums stay in the
// first-level cache.
func sumRowsGo(out, base []uint8, off []int64, c []int16) {
	var (
		sums [1024]int32
		rows [maxTaps][]uint8
	)
	for i0 := 0; i0 < len(out); i0 += len(sums) {
		m := min(len(sums), len(out)-i0)
		s := sums[:m]
		for i := range s {
			s[i] = fixHalf
		}
		for k := range c {
			first := int(off[k]) + i0
			rows[k] = base[first : first+m]
		}
		addRows(s, c, rows[:len(c)])
		o := out[i0 : i0+m]
		for i, v := range s {
			o[i] = clip(v)
		}
	}
}

// addRows adds c[k] x rows[k] into sums for every k, four rows at a time
// (one load and store of each sum per four rows). Symmetric weights (a
// blur's) are added in pairs, rows k and n-1-k with one multiplication.
func addRows(sums []int32, c []int16, rows [][]uint8) {
	n := len(c)
	if symmetric(c) {
		for k := 0; k < n/2; k += 2 {
			if n/2-k == 1 {
				addPairs1(sums, int32(c[k]), rows[k], rows[n-1-k])
			} else {
				addPairs2(sums, int32(c[k]), int32(c[k+1]), rows[k], rows[n-1-k], rows[k+1], rows[n-2-k])
			}
		}
		if n%2 == 1 {
			addRows1(sums, int32(c[n/2]), rows[n/2])
		}
		return
	}
	for k := 0; k < n; k += 4 {
		switch n - k {
		case 1:
			addRows1(sums, int32(c[k]), rows[k])
		case 2:
			addRows2(sums, int32(c[k]), int32(c[k+1]), rows[k], rows[k+1])
		case 3:
			addRows3(sums, int32(c[k]), int32(c[k+1]), int32(c[k+2]), rows[k], rows[k+1], rows[k+2])
		default:
			addRows4(sums, int32(c[k]), int32(c[k+1]), int32(c[k+2]), int32(c[k+3]), rows[k], rows[k+1], rows[k+2], rows[k+3])
		}
	}
}

func symmetric(c []int16) bool {
	for k := range len(c) / 2 {
		if c[k] != c[len(c)-1-k] {
			return false
		}
	}
	return len(c) > 1
}

func addPairs1(sums []int32, c0 int32, a0, b0 []uint8) {
	a0, b0 = a0[:len(sums)], b0[:len(sums)]
	for i := range sums {
		sums[i] += c0 * (int32(a0[i]) + int32(b0[i]))
	}
}

func addPairs2(sums []int32, c0, c1 int32, a0, b0, a1, b1 []uint8) {
	a0, b0, a1, b1 = a0[:len(sums)], b0[:len(sums)], a1[:len(sums)], b1[:len(sums)]
	for i := range sums {
		sums[i] += c0*(int32(a0[i])+int32(b0[i])) + c1*(int32(a1[i])+int32(b1[i]))
	}
}

func addRows1(sums []int32, c0 int32, r0 []uint8) {
	r0 = r0[:len(sums)]
	for i := range sums {
		sums[i] += c0 * int32(r0[i])
	}
}

func addRows2(sums []int32, c0, c1 int32, r0, r1 []uint8) {
	r0, r1 = r0[:len(sums)], r1[:len(sums)]
	for i := range sums {
		sums[i] += c0*int32(r0[i]) + c1*int32(r1[i])
	}
}

func addRows3(sums []int32, c0, c1, c2 int32, r0, r1, r2 []uint8) {
	r0, r1, r2 = r0[:len(sums)], r1[:len(sums)], r2[:len(sums)]
	for i := range sums {
		sums[i] += c0*int32(r0[i]) + c1*int32(r1[i]) + c2*int32(r2[i])
	}
}

func addRows4(sums []int32, c0, c1, c2, c3 int32, r0, r1, r2, r3 []uint8) {
	r0, r1, r2, r3 = r0[:len(sums)], r1[:len(sums)], r2[:len(sums)], r3[:len(sums)]
	for i := range sums {
		sums[i] += c0*int32(r0[i]) + c1*int32(r1[i]) + c2*int32(r2[i]) + c3*int32(r3[i])
	}
}

// gatherRowGo computes pixel x of out (4 bytes) as the weighted sum of the
// n pixels of src from start[x], with weights c[x*n:(x+1)*n].
func gatherRowGo(out, src []uint8, start []int32, c []int16, n int) {
	for x, st := range start {
		in := src[int(st)*4 : (int(st)+n)*4]
		w := c[x*n : x*n+n]
		r, g, b, a := int32(fixHalf), int32(fixHalf), int32(fixHalf), int32(fixHalf)
		for len(w) > 0 && len(in) >= 4 {
			ck := int32(w[0])
			r += ck * int32(in[0])
			g += ck * int32(in[1])
			b += ck * int32(in[2])
			a += ck * int32(in[3])
			w, in = w[1:], in[4:]
		}
		o := out[x*4 : x*4+4 : x*4+4]
		o[0], o[1], o[2], o[3] = clip(r), clip(g), clip(b), clip(a)
	}
}

// sharpenRowGo sets out[i] to 2 x src[i] - blurred[i], clamped to a byte.
func sharpenRowGo(out, src, blurred []uint8) {
	src, blurred = src[:len(out)], blurred[:len(out)]
	for i := range out {
		d := 2*int32(src[i]) - int32(blurred[i])
		out[i] = uint8(min(max(d, 0), 0xff))
	}
}

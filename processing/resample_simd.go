//go:build cgo

package processing

// The fast filters' kernels in C, for cgo builds (every build with the
// window: Fyne needs cgo). On x86-64 they use SSE2, which every x86-64 CPU
// has, so packaged builds need no CPU check: pmaddwd multiplies eight 16-bit
// samples by 16-bit weights and adds them in pairs into four 32-bit sums, 16
// bytes per step where the Go loops do one. Elsewhere (arm64) the same
// arithmetic is plain C, which the compiler may vectorise. Either way the
// integer sums are exactly those of resample_kernels.go; TestKernelsAgree
// checks it.
//
// C reads and writes only the Go memory it is handed (pixel rows, offsets,
// weights: no Go pointers inside) and keeps nothing after a call returns.

/*
#cgo CFLAGS: -O2
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static const char *pp_kernels(void) {
#ifdef __SSE2__
	return "C with SSE2";
#else
	return "C";
#endif
}

#define PP_BITS 14
#define PP_HALF (1 << (PP_BITS - 1))

static inline uint8_t pp_clip(int32_t v) {
	v >>= PP_BITS;
	return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

#ifdef __SSE2__
// Two 16-bit weights side by side in every 32-bit lane, for pmaddwd.
static inline __m128i pp_pair(int16_t a, int16_t b) {
	return _mm_set1_epi32((int32_t)((uint32_t)(uint16_t)a | ((uint32_t)(uint16_t)b << 16)));
}
#endif

// out[i] = clip(half + sum c[k] * base[off[k] + i]), i < len.
static void pp_sum_rows(uint8_t *out, const uint8_t *base, const int64_t *off,
		const int16_t *c, int n, int len) {
	int i = 0;
#ifdef __SSE2__
	const __m128i zero = _mm_setzero_si128(), half = _mm_set1_epi32(PP_HALF);
	for (; i + 16 <= len; i += 16) {
		__m128i s0 = half, s1 = half, s2 = half, s3 = half;
		for (int k = 0; k < n; k += 2) {
			__m128i r0 = _mm_loadu_si128((const __m128i *)(base + off[k] + i));
			__m128i r1 = zero, w;
			if (k + 1 < n) {
				r1 = _mm_loadu_si128((const __m128i *)(base + off[k + 1] + i));
				w = pp_pair(c[k], c[k + 1]);
			} else {
				w = pp_pair(c[k], 0);
			}
			__m128i lo0 = _mm_unpacklo_epi8(r0, zero), lo1 = _mm_unpacklo_epi8(r1, zero);
			__m128i hi0 = _mm_unpackhi_epi8(r0, zero), hi1 = _mm_unpackhi_epi8(r1, zero);
			s0 = _mm_add_epi32(s0, _mm_madd_epi16(_mm_unpacklo_epi16(lo0, lo1), w));
			s1 = _mm_add_epi32(s1, _mm_madd_epi16(_mm_unpackhi_epi16(lo0, lo1), w));
			s2 = _mm_add_epi32(s2, _mm_madd_epi16(_mm_unpacklo_epi16(hi0, hi1), w));
			s3 = _mm_add_epi32(s3, _mm_madd_epi16(_mm_unpackhi_epi16(hi0, hi1), w));
		}
		__m128i a = _mm_packs_epi32(_mm_srai_epi32(s0, PP_BITS), _mm_srai_epi32(s1, PP_BITS));
		__m128i b = _mm_packs_epi32(_mm_srai_epi32(s2, PP_BITS), _mm_srai_epi32(s3, PP_BITS));
		_mm_storeu_si128((__m128i *)(out + i), _mm_packus_epi16(a, b));
	}
#endif
	for (; i < len; i++) {
		int32_t s = PP_HALF;
		for (int k = 0; k < n; k++)
			s += (int32_t)c[k] * base[off[k] + i];
		out[i] = pp_clip(s);
	}
}

// Pixel x of out (4 bytes) = the weighted sum of n pixels of src from
// start[x], weights c[x*n .. x*n+n).
static void pp_gather_row(uint8_t *out, const uint8_t *src, const int32_t *start,
		const int16_t *c, int n, int count) {
	for (int x = 0; x < count; x++) {
		const uint8_t *p = src + (int64_t)start[x] * 4;
		const int16_t *w = c + (int64_t)x * n;
		uint8_t *o = out + (int64_t)x * 4;
#ifdef __SSE2__
		const __m128i zero = _mm_setzero_si128();
		__m128i s = _mm_set1_epi32(PP_HALF);
		int k = 0;
		for (; k + 1 < n; k += 2) {
			// Two pixels as 16-bit R0 G0 B0 A0 R1 G1 B1 A1, paired up as
			// R0 R1 G0 G1 B0 B1 A0 A1 against the weights w[k], w[k+1].
			__m128i px = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(p + k * 4)), zero);
			px = _mm_unpacklo_epi16(px, _mm_srli_si128(px, 8));
			s = _mm_add_epi32(s, _mm_madd_epi16(px, pp_pair(w[k], w[k + 1])));
		}
		if (k < n) {
			int32_t last;
			memcpy(&last, p + k * 4, 4);
			__m128i px = _mm_unpacklo_epi8(_mm_cvtsi32_si128(last), zero);
			px = _mm_unpacklo_epi16(px, zero);
			s = _mm_add_epi32(s, _mm_madd_epi16(px, pp_pair(w[k], 0)));
		}
		s = _mm_srai_epi32(s, PP_BITS);
		s = _mm_packus_epi16(_mm_packs_epi32(s, s), zero);
		int32_t v = _mm_cvtsi128_si32(s);
		memcpy(o, &v, 4);
#else
		int32_t s[4] = {PP_HALF, PP_HALF, PP_HALF, PP_HALF};
		for (int k = 0; k < n; k++)
			for (int j = 0; j < 4; j++)
				s[j] += (int32_t)w[k] * p[k * 4 + j];
		for (int j = 0; j < 4; j++)
			o[j] = pp_clip(s[j]);
#endif
	}
}

// out[i] = clamp(2 * src[i] - blurred[i]).
static void pp_sharpen_row(uint8_t *out, const uint8_t *src, const uint8_t *blurred, int len) {
	int i = 0;
#ifdef __SSE2__
	const __m128i zero = _mm_setzero_si128();
	for (; i + 16 <= len; i += 16) {
		__m128i s = _mm_loadu_si128((const __m128i *)(src + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(blurred + i));
		__m128i slo = _mm_unpacklo_epi8(s, zero), shi = _mm_unpackhi_epi8(s, zero);
		__m128i lo = _mm_sub_epi16(_mm_add_epi16(slo, slo), _mm_unpacklo_epi8(b, zero));
		__m128i hi = _mm_sub_epi16(_mm_add_epi16(shi, shi), _mm_unpackhi_epi8(b, zero));
		_mm_storeu_si128((__m128i *)(out + i), _mm_packus_epi16(lo, hi));
	}
#endif
	for (; i < len; i++) {
		int d = 2 * src[i] - blurred[i];
		out[i] = d < 0 ? 0 : d > 255 ? 255 : (uint8_t)d;
	}
}
*/
import "C"

import "unsafe"

// Kernels names the implementation of the fast filters' inner loops.
var Kernels = C.GoString(C.pp_kernels())

func u8(s []uint8) *C.uint8_t { return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(s))) }

// The bounds the C code relies on are checked here, in Go, so that a
// mistake in a caller panics (and the pool reports it) instead of reading
// or writing outside a slice.

func sumRows(out, base []uint8, off []int64, c []int16) {
	if len(out) == 0 {
		return
	}
	for _, o := range off[:len(c)] {
		_ = base[o : o+int64(len(out))]
	}
	C.pp_sum_rows(u8(out), u8(base), (*C.int64_t)(unsafe.Pointer(unsafe.SliceData(off))),
		(*C.int16_t)(unsafe.Pointer(unsafe.SliceData(c))), C.int(len(c)), C.int(len(out)))
}

func gatherRow(out, src []uint8, start []int32, c []int16, n int) {
	if len(start) == 0 {
		return
	}
	_ = out[:len(start)*4]
	_ = c[:len(start)*n]
	// Starts never decrease (newTaps), so the first and last bound them all.
	_, _ = src[int(start[0])*4:], src[:(int(start[len(start)-1])+n)*4]
	C.pp_gather_row(u8(out), u8(src), (*C.int32_t)(unsafe.Pointer(unsafe.SliceData(start))),
		(*C.int16_t)(unsafe.Pointer(unsafe.SliceData(c))), C.int(n), C.int(len(start)))
}

func sharpenRow(out, src, blurred []uint8) {
	if len(out) == 0 {
		return
	}
	_, _ = src[:len(out)], blurred[:len(out)]
	C.pp_sharpen_row(u8(out), u8(src), u8(blurred), C.int(len(out)))
}

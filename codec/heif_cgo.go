//go:build cgo && !picpool_purego && (!picpool_wasmcodecs || picpool_static_heif)

package codec

// HEIC decoding with libheif (Debian: libheif-dev; it decodes HEVC with
// libde265), linked dynamically, or, with -tags picpool_static_heif, from
// libheif.a and libde265.a (C++: with the C++ runtime, statically on
// Windows as everything there): the Windows app (packaging/thirdparty/
// builds both from Debian's source) then decodes HEIC natively beside the
// WebAssembly AVIF codec of -tags picpool_wasmcodecs. libheif and libde265
// are LGPL (docs/codecs.md: what each way of linking them asks). The rules of jpeg_turbo.go hold here too: C keeps no Go
// pointer past a call, every libheif object is created and freed within one
// C function.
//
// libheif decodes the primary image with its transformations ignored (the
// container's clean aperture, rotation and mirroring are applied in Go from
// the header PicPool read itself, as for AVIF) into its native YCbCr planes;
// the conversion to RGBA writes straight into the Go image, so libheif's own
// RGBA copy of the image is never made.

/*
#cgo !picpool_static_heif pkg-config: libheif
#cgo picpool_static_heif,!darwin LDFLAGS: -l:libheif.a -l:libde265.a -l:libdav1d.a -l:libaom.a -lstdc++ -lpthread
#cgo picpool_static_heif,darwin LDFLAGS: -lheif -lde265 -ldav1d -laom -lc++
#cgo LDFLAGS: -lm
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <libheif/heif.h>

static void pp_heif_err(struct heif_error e, char *msg, int len) {
	snprintf(msg, len, "%s", e.message ? e.message : "error");
}

// pp_yuv_rgba converts planes of the given bit depth into RGBA, 8 bits a
// sample (wide = 0) or 16 bits big-endian (wide = 1, the layout of Go's
// NRGBA64). Chroma is taken from the nearest sample, as libheif does. The
// arithmetic is in float; for 8-bit samples it is tabulated per sample
// value (16.16 fixed point), which is several times faster. With shift > 0
// each output pixel is the mean of a block of 2^shift x 2^shift pixels
// (shrink-on-load: dst is w and h divided by 2^shift, rounded up).
static void pp_yuv_rgba(const struct heif_image *img, int w, int h, int shift, unsigned char *dst, int pitch,
		int wide, float kr, float kb, int full, int identity) {
	enum heif_colorspace cs = heif_image_get_colorspace(img);
	enum heif_chroma ch = heif_image_get_chroma_format(img);
	int rgb = cs == heif_colorspace_RGB;
	int mono = ch == heif_chroma_monochrome;
	int sx = ch == heif_chroma_420 || ch == heif_chroma_422, sy = ch == heif_chroma_420;
	enum heif_channel c0 = rgb ? heif_channel_G : heif_channel_Y;
	enum heif_channel c1 = rgb ? heif_channel_B : heif_channel_Cb;
	enum heif_channel c2 = rgb ? heif_channel_R : heif_channel_Cr;
	int s0 = 0, s1 = 0, s2 = 0, sa = 0;
	const uint8_t *p0 = heif_image_get_plane_readonly(img, c0, &s0);
	const uint8_t *p1 = mono ? p0 : heif_image_get_plane_readonly(img, c1, &s1);
	const uint8_t *p2 = mono ? p0 : heif_image_get_plane_readonly(img, c2, &s2);
	const uint8_t *pa = heif_image_has_channel(img, heif_channel_Alpha) ?
		heif_image_get_plane_readonly(img, heif_channel_Alpha, &sa) : NULL;
	int bits = heif_image_get_bits_per_pixel_range(img, c0);
	int abits = pa ? heif_image_get_bits_per_pixel_range(img, heif_channel_Alpha) : 8;
	float maxv = (float)((1 << bits) - 1), amax = (float)((1 << abits) - 1);
	float half = (float)(1 << (bits - 1));
	float yoff = 0, yscale = 1, cscale = 1;
	if (rgb || identity || mono) {
		kr = kb = 0;
	}
	if (mono) {
		s1 = s2 = 0;
		sx = sy = 31; // every pixel reads the first Y sample as "chroma", weighted 0
	}
	if (!full) {
		yoff = (float)(16 << (bits - 8));
		yscale = maxv / (float)(219 << (bits - 8));
		cscale = maxv / (float)(224 << (bits - 8));
	}
	float kg = 1 - kr - kb;
	float cr_r = 2 * (1 - kr), cb_b = 2 * (1 - kb);
	float cb_g = kg > 0 ? 2 * kb * (1 - kb) / kg : 0, cr_g = kg > 0 ? 2 * kr * (1 - kr) / kg : 0;
	float out = wide ? 65535.0f : 255.0f;
	float f = out / maxv, fa = out / amax;
#define PP_SAMPLE(p, s, x, y) (bits > 8 ? (float)((const uint16_t *)((p) + (size_t)(y) * (s)))[x] : (float)(p)[(size_t)(y) * (s) + (x)])
#define PP_CONVERT(Y0, CB, CR, A, d) do { \
		float Y_ = (Y0), cb_ = (CB), cr_ = (CR), r_, g_, b_; \
		if (mono) { \
			r_ = g_ = b_ = (Y_ - yoff) * yscale; \
		} else if (rgb || identity) { \
			g_ = (Y_ - yoff) * yscale; \
			b_ = (cb_ - yoff) * yscale; \
			r_ = (cr_ - yoff) * yscale; \
		} else { \
			Y_ = (Y_ - yoff) * yscale; \
			cb_ = (cb_ - half) * cscale; \
			cr_ = (cr_ - half) * cscale; \
			r_ = Y_ + cr_r * cr_; \
			g_ = Y_ - cb_g * cb_ - cr_g * cr_; \
			b_ = Y_ + cb_b * cb_; \
		} \
		float v_[4] = {r_ * f, g_ * f, b_ * f, (A)}; \
		for (int i = 0; i < 4; i++) { \
			float c_ = v_[i] < 0 ? 0 : v_[i] > out ? out : v_[i]; \
			unsigned int u_ = (unsigned int)(c_ + 0.5f); \
			if (wide) { \
				(d)[2 * i] = (unsigned char)(u_ >> 8); \
				(d)[2 * i + 1] = (unsigned char)u_; \
			} else { \
				(d)[i] = (unsigned char)u_; \
			} \
		} \
	} while (0)
	if (shift > 0) {
		int n = 1 << shift, ow = (w + n - 1) >> shift, oh = (h + n - 1) >> shift;
		double *acc = malloc(sizeof(double) * 4 * (size_t)ow);
		if (!acc)
			return;
		for (int oy = 0; oy < oh; oy++) {
			memset(acc, 0, sizeof(double) * 4 * (size_t)ow);
			int rows = h - oy * n < n ? h - oy * n : n;
			for (int y = oy * n; y < oy * n + rows; y++) {
				for (int x = 0; x < w; x++) {
					double *a = acc + 4 * (x >> shift);
					a[0] += PP_SAMPLE(p0, s0, x, y);
					if (!mono) {
						a[1] += PP_SAMPLE(p1, s1, x >> sx, y >> sy);
						a[2] += PP_SAMPLE(p2, s2, x >> sx, y >> sy);
					}
					a[3] += pa ? PP_SAMPLE(pa, sa, x, y) : amax;
				}
			}
			unsigned char *d = dst + (size_t)oy * pitch;
			for (int ox = 0; ox < ow; ox++) {
				double cnt = (double)rows * (w - ox * n < n ? w - ox * n : n), *a = acc + 4 * ox;
				PP_CONVERT((float)(a[0] / cnt), (float)(a[1] / cnt), (float)(a[2] / cnt), (float)(a[3] / cnt) * fa,
					d + (wide ? 8 : 4) * ox);
			}
		}
		free(acc);
		return;
	}
	if (bits == 8 && !wide && (abits == 8 || !pa)) {
		// Tables: each output channel is a sum of per-sample terms.
		int ty[256], tr[256], tgb[256], tgr[256], tb[256], t1[256], t2[256];
		for (int v = 0; v < 256; v++) {
			if (rgb || identity) {
				ty[v] = (int)lrintf((v - yoff) * yscale * 65536);
				t1[v] = ty[v];
				t2[v] = ty[v];
				tr[v] = tgb[v] = tgr[v] = tb[v] = 0;
			} else {
				ty[v] = (int)lrintf((v - yoff) * yscale * 65536);
				float c = (v - half) * cscale;
				tr[v] = (int)lrintf(cr_r * c * 65536);
				tb[v] = (int)lrintf(cb_b * c * 65536);
				tgb[v] = (int)lrintf(-cb_g * c * 65536);
				tgr[v] = (int)lrintf(-cr_g * c * 65536);
				t1[v] = t2[v] = 0;
			}
		}
#define PP_CLAMP(x) ((x) < 0 ? 0 : (x) > (255 << 16) ? 255 : ((x) + 32768) >> 16)
		if (!rgb && !identity && !mono) {
			// YCbCr, the common case, in a loop of its own: each chroma
			// sample's terms once for the pixels that share it.
			for (int y = 0; y < h; y++) {
				const uint8_t *ry = p0 + (size_t)y * s0;
				const uint8_t *r1 = p1 + (size_t)(y >> sy) * s1, *r2 = p2 + (size_t)(y >> sy) * s2;
				const uint8_t *ra = pa ? pa + (size_t)y * sa : NULL;
				unsigned char *d = dst + (size_t)y * pitch;
				int step = 1 << sx;
				for (int x = 0; x < w; x += step) {
					int cb = r1[x >> sx], cr = r2[x >> sx];
					int rc = tr[cr], gc = tgb[cb] + tgr[cr], bc = tb[cb];
					for (int i = x; i < x + step && i < w; i++) {
						int yy = ty[ry[i]];
						d[4 * i] = (unsigned char)PP_CLAMP(yy + rc);
						d[4 * i + 1] = (unsigned char)PP_CLAMP(yy + gc);
						d[4 * i + 2] = (unsigned char)PP_CLAMP(yy + bc);
						d[4 * i + 3] = ra ? ra[i] : 255;
					}
				}
			}
			return;
		}
		for (int y = 0; y < h; y++) {
			const uint8_t *ry = p0 + (size_t)y * s0;
			const uint8_t *r1 = p1 + (size_t)(y >> sy) * s1, *r2 = p2 + (size_t)(y >> sy) * s2;
			const uint8_t *ra = pa ? pa + (size_t)y * sa : NULL;
			unsigned char *d = dst + (size_t)y * pitch;
			for (int x = 0; x < w; x++) {
				int yy = ty[ry[x]];
				int cb = mono ? 0 : r1[x >> sx], cr = mono ? 0 : r2[x >> sx];
				int r, g, b;
				if (rgb || identity) {
					g = yy;
					b = t1[cb];
					r = t2[cr];
				} else {
					r = yy + tr[cr];
					g = yy + tgb[cb] + tgr[cr];
					b = yy + tb[cb];
				}
				d[4 * x] = (unsigned char)PP_CLAMP(r);
				d[4 * x + 1] = (unsigned char)PP_CLAMP(g);
				d[4 * x + 2] = (unsigned char)PP_CLAMP(b);
				d[4 * x + 3] = ra ? ra[x] : 255;
			}
		}
#undef PP_CLAMP
		return;
	}
	for (int y = 0; y < h; y++) {
		unsigned char *d = dst + (size_t)y * pitch;
		for (int x = 0; x < w; x++) {
			float Y = PP_SAMPLE(p0, s0, x, y);
			float cb = mono ? 0 : PP_SAMPLE(p1, s1, x >> sx, y >> sy), cr = mono ? 0 : PP_SAMPLE(p2, s2, x >> sx, y >> sy);
			PP_CONVERT(Y, cb, cr, pa ? PP_SAMPLE(pa, sa, x, y) * fa : out, d + (wide ? 8 : 4) * x);
		}
	}
#undef PP_CONVERT
#undef PP_SAMPLE
}

// pp_heif_decode decodes the primary image of a HEIF file, transformations
// ignored, into dst (w x h, checked against what libheif decoded).
static int pp_heif_decode(const void *data, size_t size, unsigned char *dst, int w, int h, int shift, int pitch, int wide,
		float kr, float kb, int full, int identity, int nclx_known, char *msg, int len) {
	struct heif_context *ctx = heif_context_alloc();
	struct heif_image_handle *hd = NULL;
	struct heif_image *img = NULL;
	struct heif_decoding_options *opt = NULL;
	int r = -1;
	struct heif_error e = heif_context_read_from_memory_without_copy(ctx, data, size, NULL);
	if (e.code != heif_error_Ok) {
		pp_heif_err(e, msg, len);
		goto done;
	}
	heif_context_set_max_decoding_threads(ctx, 1);
	e = heif_context_get_primary_image_handle(ctx, &hd);
	if (e.code != heif_error_Ok) {
		pp_heif_err(e, msg, len);
		goto done;
	}
	opt = heif_decoding_options_alloc();
	opt->ignore_transformations = 1;
	e = heif_decode_image(hd, &img, heif_colorspace_undefined, heif_chroma_undefined, opt);
	if (e.code != heif_error_Ok) {
		pp_heif_err(e, msg, len);
		goto done;
	}
	enum heif_channel c0 = heif_image_get_colorspace(img) == heif_colorspace_RGB ? heif_channel_G : heif_channel_Y;
	if (!heif_image_has_channel(img, c0) || heif_image_get_width(img, c0) != w || heif_image_get_height(img, c0) != h) {
		snprintf(msg, len, "the decoded image is %dx%d, its header says %dx%d",
			heif_image_get_width(img, c0), heif_image_get_height(img, c0), w, h);
		goto done;
	}
	if (!nclx_known) {
		// What libheif found in the bitstream, when the container says nothing.
		struct heif_color_profile_nclx *n = NULL;
		if (heif_image_get_nclx_color_profile(img, &n).code == heif_error_Ok && n) {
			full = n->full_range_flag;
			identity = n->matrix_coefficients == 0;
			if (n->matrix_coefficients == 1) {
				kr = 0.2126f;
				kb = 0.0722f;
			} else if (n->matrix_coefficients == 9 || n->matrix_coefficients == 10) {
				kr = 0.2627f;
				kb = 0.0593f;
			}
			heif_nclx_color_profile_free(n);
		}
	}
	pp_yuv_rgba(img, w, h, shift, dst, pitch, wide, kr, kb, full, identity);
	r = 0;
done:
	if (img)
		heif_image_release(img);
	if (opt)
		heif_decoding_options_free(opt);
	if (hd)
		heif_image_handle_release(hd);
	heif_context_free(ctx);
	return r;
}

static const char *pp_heif_decoder(void) {
	const struct heif_decoder_descriptor *d[1];
	if (heif_get_decoder_descriptors(heif_compression_HEVC, d, 1) < 1)
		return "no HEVC decoder";
	return heif_decoder_descriptor_get_name(d[0]);
}
*/
import "C"

import (
	"fmt"
	"image"
	"math/bits"
	"unsafe"
)

func init() { C.heif_init(nil) }

// cBytes is b for C, nil when empty (the AVIF encoders' metadata; C keeps
// it for the call only).
func cBytes(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

// nativeHEIF says that this build's HEIC decoder is libheif through cgo.
const nativeHEIF = true

// heicScales says that this build's HEIC decoder shrinks on load.
const heicScales = true

// HEIFCodec names the HEIC decoder of this build.
var HEIFCodec = fmt.Sprintf("libheif %s with %s (cgo)", C.GoString(C.heif_get_version()), C.GoString(C.pp_heif_decoder()))

// heicDecode decodes the primary image of a HEIC file (all of it in data)
// at its coded size divided by scale (1, 2, 4 or 8, rounded up; each pixel
// the mean of a block), without transformations (transformed is false): an
// *image.NRGBA, or an *image.NRGBA64 for more than 8 bits a sample.
func heicDecode(data []byte, h *heifHeader, scale int) (img image.Image, transformed bool, err error) {
	shift := bits.TrailingZeros(uint(scale))
	img, pix, stride, wide := newRGBA(turboScaled(h.DecW, scale), turboScaled(h.DecH, scale), h.Depth > 8)
	kr, kb, full, identity, known := nclxCoefficients(h.NCLX)
	var msg msgBuf
	if C.pp_heif_decode(unsafe.Pointer(&data[0]), C.size_t(len(data)), (*C.uchar)(unsafe.Pointer(&pix[0])),
		C.int(h.DecW), C.int(h.DecH), C.int(shift), C.int(stride), C.int(b2i(wide)), C.float(kr), C.float(kb),
		C.int(b2i(full)), C.int(b2i(identity)), C.int(b2i(known)), &msg[0], C.int(len(msg))) != 0 {
		return nil, false, fmt.Errorf("%s", C.GoString(&msg[0]))
	}
	return img, false, nil
}

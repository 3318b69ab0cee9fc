//go:build cgo && !picpool_purego && picpool_wasmcodecs && picpool_static_heif

package codec

// AVIF decoding and encoding with libheif, linked in statically with dav1d
// (AV1 decoder) and aom (AV1 encoder) under it: the Windows app and the
// Linux tarball (-tags picpool_static_heif; packaging/thirdparty/ builds
// all four from Debian's source packages). The .deb keeps libavif, linked
// dynamically (avif_cgo.go); builds without either run the WebAssembly
// libavif (avif_wazero.go). Decoding is heif_cgo.go's, the same as HEIC's
// (AVIF is HEIF with AV1 images in it), with its shrink-on-load; encoding
// writes what avif_cgo.go writes: 4:2:0 (4:4:4 and the identity matrix when
// lossless), full range, BT.601 matrix, BT.709 primaries, sRGB transfer, the
// quantizer of avifOptions, alpha as an auxiliary image, 10 bits for 16-bit
// pixels, and the ICC profile, EXIF and XMP. The rules of jpeg_turbo.go
// hold: C keeps no Go pointer past a call, every libheif object is created
// and freed within one C function.

/*
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libheif/heif.h>
#include <dav1d/dav1d.h>
#include <aom/aom_codec.h>

typedef struct {
	uint8_t *data;
	size_t n, cap;
} pp_buf;

// pp_buf_write is libheif's writer: it appends to a pp_buf.
static struct heif_error pp_buf_write(struct heif_context *ctx, const void *data, size_t size, void *userdata) {
	pp_buf *b = userdata;
	struct heif_error ok = {heif_error_Ok, heif_suberror_Unspecified, "ok"};
	struct heif_error oom = {heif_error_Memory_allocation_error, heif_suberror_Unspecified, "out of memory"};
	if (b->n + size > b->cap) {
		size_t c = b->cap ? b->cap : 1 << 16;
		while (c < b->n + size)
			c *= 2;
		uint8_t *p = realloc(b->data, c);
		if (!p)
			return oom;
		b->data = p;
		b->cap = c;
	}
	memcpy(b->data + b->n, data, size);
	b->n += size;
	return ok;
}

static int pp_heif_fail(struct heif_error e, char *msg, int len) {
	if (e.code == heif_error_Ok)
		return 0;
	snprintf(msg, len, "%s", e.message ? e.message : "error");
	return 1;
}

// pp_avif_heif_encode encodes src (RGBA, 8 bits a sample, or 16 bits
// big-endian when wide, written as 10-bit AVIF) into *out (malloc'd; the
// caller frees it).
static int pp_avif_heif_encode(const unsigned char *src, int w, int h, int pitch, int wide, int opaque,
		int quantizer, int speed, int lossless,
		const uint8_t *icc, size_t icc_n, const uint8_t *exif, size_t exif_n, const uint8_t *xmp, size_t xmp_n,
		uint8_t **out, size_t *out_n, char *msg, int len) {
	struct heif_context *ctx = heif_context_alloc();
	struct heif_encoder *enc = NULL;
	struct heif_image *img = NULL;
	struct heif_image_handle *hd = NULL;
	struct heif_encoding_options *opt = NULL;
	struct heif_color_profile_nclx *nclx = NULL;
	pp_buf buf = {0};
	int r = -1;
	*out = NULL;
	*out_n = 0;
	if (pp_heif_fail(heif_context_get_encoder_for_format(ctx, heif_compression_AV1, &enc), msg, len))
		goto done;
	// The planes libheif encodes, filled here from the RGBA pixels, as
	// libavif does it: Y, Cb and Cr, BT.601 full range, 4:2:0 with each
	// chroma sample the mean of its 2x2 block's (lossless: G, B and R at
	// full size, the identity matrix), and alpha; 8 bits, or 10 for 16-bit
	// pixels. Handed an RGB image, libheif would copy it and convert the
	// copy: a full-size image more per worker.
	int bits = wide ? 10 : 8;
	float maxv = wide ? 1023.0f : 255.0f, half = wide ? 512.0f : 128.0f;
	int cw = lossless ? w : (w + 1) / 2, chh = lossless ? h : (h + 1) / 2;
	if (pp_heif_fail(heif_image_create(w, h, heif_colorspace_YCbCr, lossless ? heif_chroma_444 : heif_chroma_420, &img), msg, len) ||
			pp_heif_fail(heif_image_add_plane(img, heif_channel_Y, w, h, bits), msg, len) ||
			pp_heif_fail(heif_image_add_plane(img, heif_channel_Cb, cw, chh, bits), msg, len) ||
			pp_heif_fail(heif_image_add_plane(img, heif_channel_Cr, cw, chh, bits), msg, len) ||
			(!opaque && pp_heif_fail(heif_image_add_plane(img, heif_channel_Alpha, w, h, bits), msg, len)))
		goto done;
	int sy = 0, scb = 0, scr = 0, sa = 0;
	uint8_t *py = heif_image_get_plane(img, heif_channel_Y, &sy);
	uint8_t *pcb = heif_image_get_plane(img, heif_channel_Cb, &scb);
	uint8_t *pcr = heif_image_get_plane(img, heif_channel_Cr, &scr);
	uint8_t *pa = opaque ? NULL : heif_image_get_plane(img, heif_channel_Alpha, &sa);
#define PP_IN(x, y, c) (wide ? (float)((unsigned)src[(size_t)(y) * pitch + 8 * (x) + 2 * (c)] << 8 | \
		src[(size_t)(y) * pitch + 8 * (x) + 2 * (c) + 1]) * (1023.0f / 65535.0f) : (float)src[(size_t)(y) * pitch + 4 * (x) + (c)])
#define PP_OUT(p, stride, x, y, v) do { float v_ = (v) < 0 ? 0 : (v) > maxv ? maxv : (v); \
		if (wide) ((uint16_t *)((p) + (size_t)(y) * (stride)))[x] = (uint16_t)(v_ + 0.5f); \
		else (p)[(size_t)(y) * (stride) + (x)] = (uint8_t)(v_ + 0.5f); } while (0)
	if (!wide && !lossless) {
		// 8-bit 4:2:0, the usual case, in fixed point (16.16): Y of each
		// pixel, Cb and Cr of each block's sums (the mean of the pixels'
		// chroma, the conversion being linear).
		for (int y = 0; y < h; y++) {
			const unsigned char *s = src + (size_t)y * pitch;
			uint8_t *d = py + (size_t)y * sy, *a = pa ? pa + (size_t)y * sa : NULL;
			for (int x = 0; x < w; x++) {
				d[x] = (uint8_t)((19595 * s[4 * x] + 38470 * s[4 * x + 1] + 7471 * s[4 * x + 2] + 32768) >> 16);
				if (a)
					a[x] = s[4 * x + 3];
			}
		}
		for (int cy = 0; cy < chh; cy++) {
			const unsigned char *s0 = src + (size_t)(2 * cy) * pitch;
			const unsigned char *s1 = 2 * cy + 1 < h ? s0 + pitch : s0;
			for (int cx = 0; cx < cw; cx++) {
				int x0 = 4 * 2 * cx, x1 = 2 * cx + 1 < w ? x0 + 4 : x0;
				int r = s0[x0] + s0[x1] + s1[x0] + s1[x1];
				int g = s0[x0 + 1] + s0[x1 + 1] + s1[x0 + 1] + s1[x1 + 1];
				int b = s0[x0 + 2] + s0[x1 + 2] + s1[x0 + 2] + s1[x1 + 2];
				// Four pixels' sums: divided by 4 * 65536 (2^18), 128 added, rounded.
				int cb = (-11059 * r - 21709 * g + 32768 * b + (128 << 18) + (1 << 17)) >> 18;
				int cr = (32768 * r - 27439 * g - 5329 * b + (128 << 18) + (1 << 17)) >> 18;
				pcb[(size_t)cy * scb + cx] = (uint8_t)(cb < 0 ? 0 : cb > 255 ? 255 : cb);
				pcr[(size_t)cy * scr + cx] = (uint8_t)(cr < 0 ? 0 : cr > 255 ? 255 : cr);
			}
		}
		goto planes_done;
	}
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			float r = PP_IN(x, y, 0), g = PP_IN(x, y, 1), b = PP_IN(x, y, 2);
			if (lossless) {
				PP_OUT(py, sy, x, y, g);
				PP_OUT(pcb, scb, x, y, b);
				PP_OUT(pcr, scr, x, y, r);
			} else {
				PP_OUT(py, sy, x, y, 0.299f * r + 0.587f * g + 0.114f * b);
			}
			if (pa)
				PP_OUT(pa, sa, x, y, PP_IN(x, y, 3));
		}
	if (!lossless)
		for (int cy = 0; cy < chh; cy++)
			for (int cx = 0; cx < cw; cx++) {
				float cb = 0, cr = 0;
				int n = 0;
				for (int y = 2 * cy; y < 2 * cy + 2 && y < h; y++)
					for (int x = 2 * cx; x < 2 * cx + 2 && x < w; x++) {
						float r = PP_IN(x, y, 0), g = PP_IN(x, y, 1), b = PP_IN(x, y, 2);
						float yy = 0.299f * r + 0.587f * g + 0.114f * b;
						cb += (b - yy) / 1.772f;
						cr += (r - yy) / 1.402f;
						n++;
					}
				PP_OUT(pcb, scb, cx, cy, cb / n + half);
				PP_OUT(pcr, scr, cx, cy, cr / n + half);
			}
#undef PP_IN
#undef PP_OUT
planes_done:
	if (icc_n && pp_heif_fail(heif_image_set_raw_color_profile(img, "prof", icc, icc_n), msg, len))
		goto done;
	nclx = heif_nclx_color_profile_alloc();
	nclx->color_primaries = heif_color_primaries_ITU_R_BT_709_5;
	nclx->transfer_characteristics = heif_transfer_characteristic_IEC_61966_2_1;
	nclx->matrix_coefficients = lossless ? heif_matrix_coefficients_RGB_GBR : heif_matrix_coefficients_ITU_R_BT_601_6;
	nclx->full_range_flag = 1;
	if (pp_heif_fail(heif_image_set_nclx_color_profile(img, nclx), msg, len))
		goto done;
	if (pp_heif_fail(heif_encoder_set_lossless(enc, lossless), msg, len) ||
			pp_heif_fail(heif_encoder_set_parameter_integer(enc, "min-q", quantizer), msg, len) ||
			pp_heif_fail(heif_encoder_set_parameter_integer(enc, "max-q", quantizer), msg, len) ||
			pp_heif_fail(heif_encoder_set_parameter_integer(enc, "alpha-min-q", quantizer), msg, len) ||
			pp_heif_fail(heif_encoder_set_parameter_integer(enc, "alpha-max-q", quantizer), msg, len) ||
			pp_heif_fail(heif_encoder_set_parameter_boolean(enc, "lossless-alpha", lossless), msg, len) ||
			// libheif takes aom's speeds 0..9; 10 is 9 in aom's all-intra mode anyway (libavif clamps it so).
			pp_heif_fail(heif_encoder_set_parameter_integer(enc, "speed", speed > 9 ? 9 : speed), msg, len) ||
			pp_heif_fail(heif_encoder_set_parameter_integer(enc, "threads", 1), msg, len) ||
			pp_heif_fail(heif_encoder_set_parameter_string(enc, "chroma", lossless ? "444" : "420"), msg, len) ||
			// libheif's default tuning is SSIM; libavif's (the .deb's) is PSNR. aom 3.6's SSIM tuning
			// also crashes on 10-bit images at speed 9 (aom_highbd_calc8x8var_avx2, from
			// av1_get_perpixel_variance).
			pp_heif_fail(heif_encoder_set_parameter_string(enc, "tune", "psnr"), msg, len))
		goto done;
	if (!lossless && pp_heif_fail(heif_encoder_set_lossy_quality(enc, 100 - (quantizer * 100 + 31) / 63), msg, len))
		goto done;
	opt = heif_encoding_options_alloc();
	opt->save_alpha_channel = !opaque;
	opt->output_nclx_profile = nclx;
	opt->save_two_colr_boxes_when_ICC_and_nclx_available = 1;
	opt->macOS_compatibility_workaround = 0;
	opt->macOS_compatibility_workaround_no_nclx_profile = 0;
	if (pp_heif_fail(heif_context_encode_image(ctx, img, enc, opt, &hd), msg, len))
		goto done;
	heif_image_release(img); // before the metadata and the writing: its pixels are coded
	img = NULL;
	if (exif_n && pp_heif_fail(heif_context_add_exif_metadata(ctx, hd, exif, (int)exif_n), msg, len))
		goto done;
	if (xmp_n && pp_heif_fail(heif_context_add_XMP_metadata(ctx, hd, xmp, (int)xmp_n), msg, len))
		goto done;
	struct heif_writer wr = {1, pp_buf_write};
	if (pp_heif_fail(heif_context_write(ctx, &wr, &buf), msg, len))
		goto done;
	*out = buf.data;
	*out_n = buf.n;
	buf.data = NULL;
	r = 0;
done:
	free(buf.data);
	if (opt)
		heif_encoding_options_free(opt);
	if (nclx)
		heif_nclx_color_profile_free(nclx);
	if (hd)
		heif_image_handle_release(hd);
	if (img)
		heif_image_release(img);
	if (enc)
		heif_encoder_release(enc);
	heif_context_free(ctx);
	return r;
}

// pp_av1_codecs names libheif's AV1 decoder and encoder: dav1d and aom
// with their library versions (libheif's own names give dav1d's API
// version), or what libheif has instead.
static void pp_av1_codecs(char *dec, char *enc, int len) {
	const struct heif_decoder_descriptor *d[1];
	const struct heif_encoder_descriptor *e[1];
	if (heif_get_decoder_descriptors(heif_compression_AV1, d, 1) < 1)
		snprintf(dec, len, "no AV1 decoder");
	else if (strncmp(heif_decoder_descriptor_get_name(d[0]), "dav1d", 5) == 0)
		snprintf(dec, len, "dav1d %s", dav1d_version());
	else
		snprintf(dec, len, "%s", heif_decoder_descriptor_get_name(d[0]));
	if (heif_context_get_encoder_descriptors(NULL, heif_compression_AV1, NULL, e, 1) < 1)
		snprintf(enc, len, "no AV1 encoder");
	else if (strncmp(heif_encoder_descriptor_get_name(e[0]), "AOMedia", 7) == 0)
		snprintf(enc, len, "aom %s", aom_codec_version_str() + (aom_codec_version_str()[0] == 'v'));
	else
		snprintf(enc, len, "%s", heif_encoder_descriptor_get_name(e[0]));
}
*/
import "C"

import (
	"fmt"
	"image"
	"unsafe"
)

// AVIFCodec names the AVIF decoder and encoder of this build.
var AVIFCodec = func() string {
	var dec, enc msgBuf
	C.pp_av1_codecs(&dec[0], &enc[0], C.int(len(dec)))
	return fmt.Sprintf("libheif %s with %s to decode, %s to encode (cgo)", C.GoString(C.heif_get_version()),
		C.GoString(&dec[0]), C.GoString(&enc[0]))
}()

// avifOpaqueAlpha is not used in this build: libheif writes the alpha plane of every cell (keepAlpha): none is needed.
func avifOpaqueAlpha(int, int, bool, avifOptions) ([]byte, error) { return nil, nil }

// NativeCodecs says that this build writes AVIF with its metadata and 10
// bits a sample (see avif_cgo.go).
const NativeCodecs = true

// avifScales says that this build's AVIF decoder shrinks on load.
const avifScales = true

// avifDecode decodes the primary image of an AVIF file at its coded size
// divided by scale, without transformations, as heicDecode does HEIC's.
func avifDecode(data []byte, h *heifHeader, scale int) (image.Image, error) {
	img, _, err := heicDecode(data, h, scale)
	return img, err
}

// avifEncode writes img (an *image.NRGBA, or *image.NRGBA64 for 10 bits)
// with the metadata.
func avifEncode(img image.Image, o avifOptions, meta *Metadata) ([]byte, error) {
	pix, stride, wide := rgbaPixels(img)
	r := img.Bounds()
	var m Metadata
	if meta != nil {
		m = *meta
	}
	var out *C.uint8_t
	var n C.size_t
	var msg msgBuf
	if C.pp_avif_heif_encode((*C.uchar)(unsafe.Pointer(&pix[0])), C.int(r.Dx()), C.int(r.Dy()), C.int(stride), C.int(b2i(wide)),
		C.int(b2i(isOpaque(img) && !o.keepAlpha)), C.int(o.quantizer()), C.int(o.speed()), C.int(b2i(o.Lossless)),
		cBytes(m.ICC), C.size_t(len(m.ICC)), cBytes(m.EXIF), C.size_t(len(m.EXIF)), cBytes(m.XMP), C.size_t(len(m.XMP)),
		&out, &n, &msg[0], C.int(len(msg))) != 0 {
		return nil, fmt.Errorf("%s", C.GoString(&msg[0]))
	}
	defer C.free(unsafe.Pointer(out))
	return C.GoBytes(unsafe.Pointer(out), C.int(n)), nil
}

//go:build cgo && !picpool_purego && !picpool_wasmcodecs

package codec

// AVIF decoding and encoding with libavif (Debian: libavif-dev; AV1 through
// dav1d or libaom to decode, libaom to encode), linked dynamically. The rules
// of jpeg_turbo.go hold: C keeps no Go pointer past a call, every libavif
// object lives within one C function. libavif converts straight into and
// out of the Go image's pixels.

/*
#cgo pkg-config: libavif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <avif/avif.h>

// pp_swap16 turns 16-bit samples from host order (libavif) into big-endian
// (Go's NRGBA64), or back.
static void pp_swap16(unsigned char *p, int w, int h, int pitch) {
	for (int y = 0; y < h; y++) {
		uint16_t *s = (uint16_t *)(p + (size_t)y * pitch);
		for (int x = 0; x < 4 * w; x++)
			s[x] = (uint16_t)((s[x] >> 8) | (s[x] << 8));
	}
}

static void pp_avif_err(avifResult r, const char *diag, char *msg, int len) {
	if (diag && diag[0])
		snprintf(msg, len, "%s: %s", avifResultToString(r), diag);
	else
		snprintf(msg, len, "%s", avifResultToString(r));
}

// pp_avif_decode decodes the primary image into dst (RGBA, 8 or 16 bits a
// sample), which must be w x h: transformations are left to the caller.
static int pp_avif_decode(const uint8_t *data, size_t size, unsigned char *dst, int w, int h, int pitch, int wide,
		char *msg, int len) {
	avifDecoder *d = avifDecoderCreate();
	int r = -1;
	d->maxThreads = 1;
	d->ignoreExif = AVIF_TRUE;
	d->ignoreXMP = AVIF_TRUE;
	d->strictFlags = AVIF_STRICT_DISABLED;
	d->requestedSource = AVIF_DECODER_SOURCE_PRIMARY_ITEM;
	if ((uint64_t)w * h > d->imageSizeLimit)
		d->imageSizeLimit = (uint64_t)w * h > UINT32_MAX ? UINT32_MAX : (uint32_t)((uint64_t)w * h);
	d->imageDimensionLimit = 0;
	avifResult res = avifDecoderSetIOMemory(d, data, size);
	if (res == AVIF_RESULT_OK)
		res = avifDecoderParse(d);
	if (res == AVIF_RESULT_OK)
		res = avifDecoderNextImage(d);
	if (res != AVIF_RESULT_OK) {
		pp_avif_err(res, d->diag.error, msg, len);
		goto done;
	}
	if ((int)d->image->width != w || (int)d->image->height != h) {
		snprintf(msg, len, "the decoded image is %ux%u, its header says %dx%d", d->image->width, d->image->height, w, h);
		goto done;
	}
	avifRGBImage rgb;
	avifRGBImageSetDefaults(&rgb, d->image);
	rgb.format = AVIF_RGB_FORMAT_RGBA;
	rgb.depth = wide ? 16 : 8;
	rgb.pixels = dst;
	rgb.rowBytes = pitch;
	res = avifImageYUVToRGB(d->image, &rgb);
	if (res != AVIF_RESULT_OK) {
		pp_avif_err(res, NULL, msg, len);
		goto done;
	}
	if (wide)
		pp_swap16(dst, w, h, pitch);
	r = 0;
done:
	avifDecoderDestroy(d);
	return r;
}

// pp_avif_write encodes im with libaom, one thread, at the quantizer (the
// alpha plane's too) and speed; *out is libavif's (avifRWDataFree).
static int pp_avif_write(const avifImage *im, int quantizer, int speed, avifRWData *out, char *msg, int len) {
	avifEncoder *e = avifEncoderCreate();
	e->codecChoice = AVIF_CODEC_CHOICE_AOM;
	e->maxThreads = 1;
	e->speed = speed;
	e->minQuantizer = e->maxQuantizer = quantizer;
	e->minQuantizerAlpha = e->maxQuantizerAlpha = quantizer;
	avifResult res = avifEncoderWrite(e, im, out);
	if (res != AVIF_RESULT_OK)
		pp_avif_err(res, e->diag.error, msg, len);
	avifEncoderDestroy(e);
	return res == AVIF_RESULT_OK ? 0 : -1;
}

// pp_avif_encode encodes src (RGBA, 8 bits a sample, or 16 bits big-endian
// when wide, written as 10-bit AVIF); *out is libavif's (avifRWDataFree).
static int pp_avif_encode(const unsigned char *src, int w, int h, int pitch, int wide, int opaque,
		int quantizer, int speed, int lossless,
		const uint8_t *icc, size_t icc_n, const uint8_t *exif, size_t exif_n, const uint8_t *xmp, size_t xmp_n,
		avifRWData *out, char *msg, int len) {
	int r = -1;
	unsigned char *tmp = NULL;
	avifImage *im = avifImageCreate(w, h, wide ? 10 : 8, lossless ? AVIF_PIXEL_FORMAT_YUV444 : AVIF_PIXEL_FORMAT_YUV420);
	im->yuvRange = AVIF_RANGE_FULL;
	im->colorPrimaries = AVIF_COLOR_PRIMARIES_BT709;
	im->transferCharacteristics = AVIF_TRANSFER_CHARACTERISTICS_SRGB;
	im->matrixCoefficients = lossless ? AVIF_MATRIX_COEFFICIENTS_IDENTITY : AVIF_MATRIX_COEFFICIENTS_BT601;
	avifRGBImage rgb;
	avifRGBImageSetDefaults(&rgb, im);
	rgb.format = AVIF_RGB_FORMAT_RGBA;
	rgb.depth = wide ? 16 : 8;
	rgb.ignoreAlpha = opaque ? AVIF_TRUE : AVIF_FALSE;
	rgb.pixels = (uint8_t *)src;
	rgb.rowBytes = pitch;
	if (wide) {
		tmp = malloc((size_t)pitch * h);
		if (!tmp) {
			snprintf(msg, len, "out of memory");
			goto done;
		}
		memcpy(tmp, src, (size_t)pitch * h);
		pp_swap16(tmp, w, h, pitch);
		rgb.pixels = tmp;
	}
	avifResult res = avifImageRGBToYUV(im, &rgb);
	if (res != AVIF_RESULT_OK) {
		pp_avif_err(res, NULL, msg, len);
		goto done;
	}
	if (icc_n)
		avifImageSetProfileICC(im, icc, icc_n);
	if (exif_n)
		avifImageSetMetadataExif(im, exif, exif_n);
	if (xmp_n)
		avifImageSetMetadataXMP(im, xmp, xmp_n);
	r = pp_avif_write(im, quantizer, speed, out, msg, len);
done:
	free(tmp);
	avifImageDestroy(im);
	return r;
}

// pp_avif_encode_opaque encodes a w x h monochrome image of the largest
// value of the depth: an opaque alpha plane, which libavif itself leaves
// out of an opaque image.
static int pp_avif_encode_opaque(int w, int h, int depth, int quantizer, int speed, avifRWData *out, char *msg, int len) {
	int r = -1;
	avifImage *im = avifImageCreate(w, h, depth, AVIF_PIXEL_FORMAT_YUV400);
	im->yuvRange = AVIF_RANGE_FULL;
	if (avifImageAllocatePlanes(im, AVIF_PLANES_YUV) != AVIF_RESULT_OK) {
		snprintf(msg, len, "out of memory");
		goto done;
	}
	for (int y = 0; y < h; y++) {
		uint8_t *row = im->yuvPlanes[AVIF_CHAN_Y] + (size_t)y * im->yuvRowBytes[AVIF_CHAN_Y];
		for (int x = 0; x < w; x++) {
			if (depth > 8)
				((uint16_t *)row)[x] = (uint16_t)((1 << depth) - 1);
			else
				row[x] = 255;
		}
	}
	r = pp_avif_write(im, quantizer, speed, out, msg, len);
done:
	avifImageDestroy(im);
	return r;
}

static const char *pp_avif_codecs(void) {
	static char buf[256];
	avifCodecVersions(buf);
	return buf;
}
*/
import "C"

import (
	"fmt"
	"image"
	"strings"
	"unsafe"
)

// AVIFCodec names the AVIF decoder and encoder of this build: libavif and
// the AV1 codecs it picks (the first decoder it lists; libaom to encode).
var AVIFCodec = func() string {
	dec, enc := "", ""
	for _, c := range strings.Split(C.GoString(C.pp_avif_codecs()), ", ") {
		name, version, _ := strings.Cut(c, ":")
		name, kind, _ := strings.Cut(name, " ")
		if strings.Contains(kind, "dec") && dec == "" {
			dec = name + " " + strings.Fields(version)[0]
		}
		if name == "aom" {
			enc = name + " " + strings.Fields(version)[0]
		}
	}
	return fmt.Sprintf("libavif %s with %s to decode, %s to encode (cgo)", C.GoString(C.avifVersion()), dec, enc)
}()

// avifScales says that this build's AVIF decoder does not shrink on load.
const avifScales = false

// avifDecode decodes the primary image of an AVIF file at its coded size
// (scale is 1), without transformations.
func avifDecode(data []byte, h *heifHeader, _ int) (image.Image, error) {
	img, pix, stride, wide := newRGBA(h.DecW, h.DecH, h.Depth > 8)
	var msg msgBuf
	if C.pp_avif_decode((*C.uint8_t)(unsafe.Pointer(&data[0])), C.size_t(len(data)), (*C.uchar)(unsafe.Pointer(&pix[0])),
		C.int(h.DecW), C.int(h.DecH), C.int(stride), C.int(b2i(wide)), &msg[0], C.int(len(msg))) != 0 {
		return nil, fmt.Errorf("%s", C.GoString(&msg[0]))
	}
	return img, nil
}

// avifEncode writes img (an *image.NRGBA, or *image.NRGBA64 for 10 bits)
// with the metadata, which libavif stores in the file.
func avifEncode(img image.Image, o avifOptions, meta *Metadata) ([]byte, error) {
	pix, stride, wide := rgbaPixels(img)
	r := img.Bounds()
	var m Metadata
	if meta != nil {
		m = *meta
	}
	var out C.avifRWData
	var msg msgBuf
	if C.pp_avif_encode((*C.uchar)(unsafe.Pointer(&pix[0])), C.int(r.Dx()), C.int(r.Dy()), C.int(stride), C.int(b2i(wide)),
		C.int(b2i(isOpaque(img) && !o.keepAlpha)), C.int(o.quantizer()), C.int(o.speed()), C.int(b2i(o.Lossless)),
		cBytes(m.ICC), C.size_t(len(m.ICC)), cBytes(m.EXIF), C.size_t(len(m.EXIF)), cBytes(m.XMP), C.size_t(len(m.XMP)),
		&out, &msg[0], C.int(len(msg))) != 0 {
		return nil, fmt.Errorf("%s", C.GoString(&msg[0]))
	}
	defer C.avifRWDataFree(&out)
	return C.GoBytes(unsafe.Pointer(out.data), C.int(out.size)), nil
}

// avifOpaqueAlpha encodes an opaque alpha plane of w x h, for the cells of
// a grid with alpha that libavif writes without one (avifgrid.go), as an
// AVIF file whose primary image it is.
func avifOpaqueAlpha(w, h int, wide bool, o avifOptions) ([]byte, error) {
	var out C.avifRWData
	var msg msgBuf
	depth := 8
	if wide {
		depth = 10
	}
	if C.pp_avif_encode_opaque(C.int(w), C.int(h), C.int(depth), C.int(o.quantizer()), C.int(o.speed()), &out, &msg[0], C.int(len(msg))) != 0 {
		return nil, fmt.Errorf("%s", C.GoString(&msg[0]))
	}
	defer C.avifRWDataFree(&out)
	return C.GoBytes(unsafe.Pointer(out.data), C.int(out.size)), nil
}

// NativeCodecs says that this build has the C codec libraries (libheif,
// libavif, libwebp), with HEIC alpha, 10- and 12-bit samples and AVIF
// metadata; builds without them run the WebAssembly codecs.
const NativeCodecs = true

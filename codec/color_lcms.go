//go:build cgo && !picpool_nolcms

package codec

// Colour management: Little CMS 2 (lcms2) through cgo, in one small file of
// our own. lcms2 is the colour engine of GIMP, Inkscape, Krita, libvips,
// ImageMagick and colord, handles ICC versions 2 and 4, matrix/TRC and LUT
// profiles, gray and CMYK, and black-point compensation; a pure-Go engine of
// that reach does not exist. Only profiles that ParseICC accepted are given
// to it (see icc.go).
//
// Rules kept on both sides of the boundary (as in jpeg_turbo.go): C never
// keeps a Go pointer after a call returns (pixel buffers are Go memory,
// passed for one call, holding no Go pointers). Each transform owns its
// lcms2 context (with an error handler writing into that context's own
// buffer) and is built by one goroutine; once built it is read-only:
// cmsDoTransform keeps no state in it (cmsFLAGS_NOCACHE turns off the
// one-pixel cache, the only thing it would write), so the same transform is
// used by many goroutines at once, and it is freed only when no goroutine
// holds it (see colorCache). Profiles are opened and closed within the C
// function that builds the transform.
//
// Linking: pkg-config finds lcms2 on Linux and macOS (Debian: liblcms2-dev;
// Homebrew: little-cms2); the Windows cross-build links -llcms2 from the
// MinGW sysroot (a static liblcms2.a there makes the .exe self-contained).
// Builds without cgo, or with -tags picpool_nolcms, have no colour
// management (color_none.go).

/*
#cgo linux pkg-config: lcms2
#cgo darwin pkg-config: lcms2
#cgo windows LDFLAGS: -llcms2
#cgo freebsd pkg-config: lcms2
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lcms2.h>

typedef struct { char msg[256]; int quiet; } pp_log;

static void pp_log_handler(cmsContext ctx, cmsUInt32Number code, const char *text) {
	pp_log *l = (pp_log *)cmsGetContextUserData(ctx);
	if (l == NULL || l->quiet || l->msg[0] != 0)
		return;
	snprintf(l->msg, sizeof l->msg, "%s", text);
}

typedef struct { cmsContext ctx; cmsHTRANSFORM xf; pp_log *log; } pp_xform;

enum { PP_RGBA8, PP_RGBA16SE, PP_GRAY8, PP_GRAY16, PP_CMYK8 };

static void pp_free(pp_xform *x) {
	if (x == NULL)
		return;
	if (x->xf != NULL)
		cmsDeleteTransform(x->xf);
	if (x->ctx != NULL)
		cmsDeleteContext(x->ctx);
	free(x->log);
	free(x);
}

// pp_gray_srgb is a gray profile with sRGB's tone curve (D50 white).
static cmsHPROFILE pp_gray_srgb(cmsContext ctx) {
	cmsFloat64Number p[5] = {2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045};
	cmsToneCurve *c = cmsBuildParametricToneCurve(ctx, 4, p);
	if (c == NULL)
		return NULL;
	cmsHPROFILE h = cmsCreateGrayProfileTHR(ctx, cmsD50_xyY(), c);
	cmsFreeToneCurve(c);
	return h;
}

// pp_create builds a transform from the profile icc to sRGB (gray kinds: to
// gray with sRGB's tone curve), relative colorimetric. NULL with a message
// on failure.
static pp_xform *pp_create(const void *icc, cmsUInt32Number n, int kind, int bpc, char *msg, int len) {
	pp_xform *x = calloc(1, sizeof *x);
	if (x == NULL || (x->log = calloc(1, sizeof *x->log)) == NULL) {
		snprintf(msg, len, "out of memory");
		free(x);
		return NULL;
	}
	x->ctx = cmsCreateContext(NULL, x->log);
	if (x->ctx == NULL) {
		snprintf(msg, len, "cannot create a context");
		pp_free(x);
		return NULL;
	}
	cmsSetLogErrorHandlerTHR(x->ctx, pp_log_handler);
	cmsUInt32Number in_fmt, out_fmt;
	int gray = 0;
	switch (kind) {
	case PP_RGBA8: in_fmt = out_fmt = TYPE_RGBA_8; break;
	case PP_RGBA16SE: in_fmt = out_fmt = TYPE_RGBA_16_SE; break;
	case PP_GRAY8: in_fmt = out_fmt = TYPE_GRAY_8; gray = 1; break;
	case PP_GRAY16: in_fmt = out_fmt = TYPE_GRAY_16; gray = 1; break;
	default: in_fmt = TYPE_CMYK_8; out_fmt = TYPE_RGBA_8; break;
	}
	cmsHPROFILE in = cmsOpenProfileFromMemTHR(x->ctx, icc, n);
	cmsHPROFILE out = gray ? pp_gray_srgb(x->ctx) : cmsCreate_sRGBProfileTHR(x->ctx);
	if (in != NULL && out != NULL) {
		// 16-bit images get a finer precalculated grid: the normal one is
		// off by several 8-bit levels near the edges of the gamut.
		cmsUInt32Number flags = cmsFLAGS_NOCACHE | (bpc ? cmsFLAGS_BLACKPOINTCOMPENSATION : 0) | (kind == PP_RGBA16SE ? cmsFLAGS_HIGHRESPRECALC : 0);
		x->xf = cmsCreateTransformTHR(x->ctx, in, in_fmt, out, out_fmt, INTENT_RELATIVE_COLORIMETRIC, flags);
	}
	if (in != NULL)
		cmsCloseProfile(in);
	if (out != NULL)
		cmsCloseProfile(out);
	if (x->xf == NULL) {
		snprintf(msg, len, "%s", x->log->msg[0] ? x->log->msg : "lcms2 cannot build a transform from it");
		pp_free(x);
		return NULL;
	}
	x->log->quiet = 1; // read-only from here on: nothing writes the log
	return x;
}

// pp_linear converts, from the RGB profile icc, black and each channel's
// 256 levels alone (1 + 3*256 pixels) to linear-light sRGB (sRGB's
// primaries and white, a linear tone curve) as doubles, relative
// colorimetric: the tables of colorFast. 0 on success.
static int pp_linear(const void *icc, cmsUInt32Number n, double *out, char *msg, int len) {
	pp_log log = {{0}, 0};
	cmsContext ctx = cmsCreateContext(NULL, &log);
	if (ctx == NULL) {
		snprintf(msg, len, "cannot create a context");
		return -1;
	}
	cmsSetLogErrorHandlerTHR(ctx, pp_log_handler);
	cmsCIExyY d65 = {0.3127, 0.3290, 1.0};
	cmsCIExyYTRIPLE prim = {{0.64, 0.33, 1.0}, {0.30, 0.60, 1.0}, {0.15, 0.06, 1.0}};
	cmsToneCurve *lin = cmsBuildGamma(ctx, 1.0);
	cmsToneCurve *curves[3] = {lin, lin, lin};
	cmsHPROFILE in = cmsOpenProfileFromMemTHR(ctx, icc, n);
	cmsHPROFILE out_p = lin ? cmsCreateRGBProfileTHR(ctx, &d65, &prim, curves) : NULL;
	cmsHTRANSFORM x = NULL;
	if (in != NULL && out_p != NULL)
		x = cmsCreateTransformTHR(ctx, in, TYPE_RGB_8, out_p, TYPE_RGB_DBL, INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOCACHE);
	if (x != NULL) {
		unsigned char px[3 * (1 + 3 * 256)] = {0};
		for (int c = 0; c < 3; c++)
			for (int v = 0; v < 256; v++)
				px[3 * (1 + 256 * c + v) + c] = (unsigned char)v;
		cmsDoTransform(x, px, out, 1 + 3 * 256);
		cmsDeleteTransform(x);
	} else {
		snprintf(msg, len, "%s", log.msg[0] ? log.msg : "lcms2 cannot build a transform from it");
	}
	if (in != NULL)
		cmsCloseProfile(in);
	if (out_p != NULL)
		cmsCloseProfile(out_p);
	if (lin != NULL)
		cmsFreeToneCurve(lin);
	cmsDeleteContext(ctx);
	return x != NULL ? 0 : -1;
}

static void pp_run(pp_xform *x, const void *src, void *dst, cmsUInt32Number w, cmsUInt32Number h,
		cmsUInt32Number src_stride, cmsUInt32Number dst_stride) {
	cmsDoTransformLineStride(x->xf, src, dst, w, h, src_stride, dst_stride, 0, 0);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// ColorEngine names the colour engine of this build, with its version.
func ColorEngine() string {
	v := int(C.cmsGetEncodedCMMversion())
	return fmt.Sprintf("lcms2 %d.%d", v/1000, v%1000/10)
}

// colorManaged says whether this build converts colours.
const colorManaged = true

// Pixel layouts a transform reads and writes.
const (
	pixRGBA8    = C.PP_RGBA8    // NRGBA in place
	pixRGBA16SE = C.PP_RGBA16SE // NRGBA64 (big-endian) in place
	pixGray8    = C.PP_GRAY8
	pixGray16   = C.PP_GRAY16 // native-endian, for the gray LUTs
	pixCMYK8    = C.PP_CMYK8  // CMYK to NRGBA (alpha left as it is)
)

// lcmsTransform is a built transform; see the rules at the top of the file.
type lcmsTransform struct{ x *C.pp_xform }

func newTransform(icc []byte, pix int, bpc bool) (*lcmsTransform, error) {
	if len(icc) == 0 {
		return nil, errors.New("empty profile")
	}
	var msg [256]C.char
	b := C.int(0)
	if bpc {
		b = 1
	}
	x := C.pp_create(unsafe.Pointer(&icc[0]), C.cmsUInt32Number(len(icc)), C.int(pix), b, &msg[0], C.int(len(msg)))
	if x == nil {
		return nil, errors.New(C.GoString(&msg[0]))
	}
	return &lcmsTransform{x: x}, nil
}

// run transforms h rows of w pixels from src to dst (which may be src).
func (t *lcmsTransform) run(src, dst []byte, w, h, srcStride, dstStride int) {
	if w <= 0 || h <= 0 {
		return
	}
	C.pp_run(t.x, unsafe.Pointer(&src[0]), unsafe.Pointer(&dst[0]), C.cmsUInt32Number(w), C.cmsUInt32Number(h),
		C.cmsUInt32Number(srcStride), C.cmsUInt32Number(dstStride))
}

// newColorFast builds the fast path's tables for an RGB matrix/TRC profile
// from lcms2's own conversion of each channel's levels (see color_fast.go).
func newColorFast(icc []byte) (*colorFast, error) {
	var lin [3 * (1 + 3*256)]C.double
	var msg [256]C.char
	if C.pp_linear(unsafe.Pointer(&icc[0]), C.cmsUInt32Number(len(icc)), &lin[0], &msg[0], C.int(len(msg))) != 0 {
		return nil, errors.New(C.GoString(&msg[0]))
	}
	var f [len(lin)]float64
	for i, v := range lin {
		f[i] = float64(v)
	}
	return fastFromLinear(&f), nil
}

func (t *lcmsTransform) free() {
	C.pp_free(t.x)
	t.x = nil
}

# shellcheck shell=bash disable=SC2034,SC2154 # a recipe: build.sh reads its variables and sets cmake_args, configure_args, jobs
# libheif: PicPool's HEIC decoder and AVIF decoder and encoder
# (codec/heif_cgo.go, avif_heif.go: -tags picpool_static_heif links
# libheif.a, libde265.a, libdav1d.a and libaom.a), natively instead of the
# WebAssembly builds the Windows app and the Linux tarball would otherwise
# run. Build libde265, dav1d and aom first (build.sh takes the recipes in
# order of their names: aom, dav1d, libde265, libheif). Debian 12's source package with its
# security fixes (debian/patches), the same version the Linux build links
# from libheif-dev. Licence: LGPL-3+ (docs/codecs.md: what that asks of a
# static link).
deb_version=1.15.1-1+deb12u1
pool=main/libh/libheif
files=(
	"libheif_1.15.1.orig.tar.gz 28d5a376fe7954d2d03453f983aaa0b7486f475c27c7806bda31df9102325556"
	"libheif_1.15.1-1+deb12u1.debian.tar.xz f3a042fce4231e8feddd032bf93b808a6db96614c20888b78d1042a15e378817"
)
licences=(COPYING)
tools=(cmake "${cc/gcc/g++}") # the C++ compiler: g++ beside MinGW's gcc, or clang

# Only the static library (C++) with libde265 (HEVC) and dav1d (AV1) built
# in as its decoders and aom (AV1) as its one encoder: no HEVC encoder, no
# plugin loading, no examples, no gdk-pixbuf loader. Its headers and
# libheif.pc.
build_lib() { # src build prefix
	local cxx=${cc/gcc/g++}
	[ "$cc" != clang ] || cxx=clang++
	local l f=$1/libheif/plugins/heif_encoder_aom.cc
	for l in libde265 libdav1d libaom; do [ -f "$3/lib/$l.a" ] || die "libheif needs $l: build it first"; done
	# libheif 1.15's aom encoder picks the AV1 profile from the bits a
	# sample is stored in (16 for 10-bit images): profile 2, which aom
	# refuses for 10-bit 4:2:0 (Debian's own heif-enc aborts on any 10-bit
	# AVIF: an assertion in write_color_config; from the library, aom
	# fails, or crashes in aom_highbd_calc8x8var_avx2). The bits in use
	# are what the profile depends on, as later libheif versions have it.
	grep -q 'compute_avif_profile(heif_image_get_bits_per_pixel(image, heif_channel_Y),' "$f" ||
		die "libheif: no compute_avif_profile(heif_image_get_bits_per_pixel(...)) in $f to correct"
	sed -i.orig 's/compute_avif_profile(heif_image_get_bits_per_pixel(image, heif_channel_Y),/compute_avif_profile(heif_image_get_bits_per_pixel_range(image, heif_channel_Y), \/* PicPool: bits in use *\//' "$f"
	# libheif 1.15 converts every decoded image without alpha into planar
	# RGB 4:4:4 even when the caller asks for no colour space
	# (heif_colorspace_undefined, which codec/heif_cgo.go asks for, to
	# convert the YCbCr planes straight into its RGBA image): a second
	# conversion and three more full-size planes per image (an AVIF of
	# 12 MP to JPEG took 4.7 s of CPU against libavif's 2.6). The image
	# now stays as decoded when no colour space is asked for, as later
	# libheif versions have it; grid tiles, decoded into the grid's RGB,
	# are converted as before.
	f=$1/libheif/heif_context.cc
	if ! grep -qF 'if (!alphaImage && target_colorspace == heif_colorspace_YCbCr) {' "$f" ||
		! grep -qF 'heif_chroma target_chroma = (target_colorspace == heif_colorspace_monochrome ?' "$f"; then
		die "libheif: decode_image_planar's conversion to RGB is not where $f had it"
	fi
	sed -i.orig -e 's/if (!alphaImage \&\& target_colorspace == heif_colorspace_YCbCr) {/if (!alphaImage \&\& target_colorspace == heif_colorspace_YCbCr \&\& out_colorspace != heif_colorspace_undefined \/* PicPool *\/) {/' \
		-e 's/heif_chroma target_chroma = (target_colorspace == heif_colorspace_monochrome ?/heif_chroma target_chroma = (out_colorspace == heif_colorspace_undefined ? img->get_chroma_format() \/* PicPool *\/ : target_colorspace == heif_colorspace_monochrome ?/' "$f"
	# Its dav1d decoder takes dav1d's default threads: one per core, with
	# frame threading, for every image, in every worker (PicPool runs one
	# worker per core); one thread, as libavif is asked for in the .deb.
	f=$1/libheif/plugins/heif_decoder_dav1d.cc
	grep -qF '  decoder->settings.all_layers = 0;' "$f" || die "libheif: no settings.all_layers in $f"
	sed -i.orig 's/^  decoder->settings.all_layers = 0;/  decoder->settings.all_layers = 0;\n  decoder->settings.n_threads = 1; \/* PicPool *\/\n  decoder->settings.max_frame_delay = 1;/' "$f"
	PKG_CONFIG_LIBDIR=$3/lib/pkgconfig PKG_CONFIG_PATH='' cmake -S "$1" -B "$2" "${cmake_args[@]}" \
		-DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$3" \
		-DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DENABLE_PLUGIN_LOADING=OFF \
		-DWITH_EXAMPLES=OFF -DBUILD_TESTING=OFF -DWITH_LIBDE265=ON -DWITH_LIBDE265_PLUGIN=OFF \
		-DLIBDE265_INCLUDE_DIR="$3/include" -DLIBDE265_LIBRARY="$3/lib/libde265.a" \
		-DWITH_X265=OFF -DWITH_DAV1D=ON -DWITH_DAV1D_PLUGIN=OFF -DDAV1D_INCLUDE_DIR="$3/include" \
		-DDAV1D_LIBRARY="$3/lib/libdav1d.a" -DWITH_AOM_ENCODER=ON -DWITH_AOM_ENCODER_PLUGIN=OFF \
		-DWITH_AOM_DECODER=OFF -DAOM_INCLUDE_DIR="$3/include" -DAOM_LIBRARY="$3/lib/libaom.a" \
		-DWITH_SvtEnc=OFF -DWITH_RAV1E=OFF >"$2.log" 2>&1
	for l in 'libde265 (HEIC decoder): found (built-in)' 'Dav1d (AVIF decoder): found (built-in)' 'aom (AVIF encoder): found (built-in)'; do
		grep -qF "$l" "$2.log" || die "libheif: cmake did not say '$l' (log $2.log)"
	done
	cmake --build "$2" --target heif -j "$jobs" >>"$2.log"
	put "$2/libheif/libheif.a" "$3/lib/libheif.a"
	for h in heif.h heif_plugin.h; do put "$1/libheif/$h" "$3/include/libheif/$h"; done
	put "$2/libheif/heif_version.h" "$3/include/libheif/heif_version.h"
	put "$2/libheif.pc" "$3/lib/pkgconfig/libheif.pc"
}

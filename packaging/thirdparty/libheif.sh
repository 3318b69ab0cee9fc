# shellcheck shell=bash disable=SC2034,SC2154 # a recipe: build.sh reads its variables and sets cmake_args, configure_args, jobs
# libheif: PicPool's HEIC decoder (codec/heif_cgo.go, -tags picpool_static_heif
# links libheif.a and libde265.a), natively instead of the WebAssembly build
# the Windows app would otherwise run. Build libde265 first (build.sh takes
# the recipes in order of their names). Debian 12's source package with its
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

# Only the static library (C++) with libde265 built in as its one decoder:
# no encoders, no AV1 decoders, no plugin loading, no examples, no
# gdk-pixbuf loader. Its headers and libheif.pc.
build_lib() { # src build prefix
	local cxx=${cc/gcc/g++}
	[ "$cc" != clang ] || cxx=clang++
	[ -f "$3/lib/libde265.a" ] || die "libheif needs libde265: build it first"
	PKG_CONFIG_LIBDIR=$3/lib/pkgconfig PKG_CONFIG_PATH='' cmake -S "$1" -B "$2" "${cmake_args[@]}" \
		-DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$3" \
		-DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DENABLE_PLUGIN_LOADING=OFF \
		-DWITH_EXAMPLES=OFF -DBUILD_TESTING=OFF -DWITH_LIBDE265=ON -DWITH_LIBDE265_PLUGIN=OFF \
		-DLIBDE265_INCLUDE_DIR="$3/include" -DLIBDE265_LIBRARY="$3/lib/libde265.a" \
		-DWITH_X265=OFF -DWITH_DAV1D=OFF -DWITH_AOM_ENCODER=OFF -DWITH_AOM_DECODER=OFF \
		-DWITH_SvtEnc=OFF -DWITH_RAV1E=OFF >"$2.log"
	grep -q 'libde265.*YES\|LIBDE265: YES\|Found LIBDE265' "$2.log" || die "libheif: cmake did not find libde265 (log $2.log)"
	cmake --build "$2" --target heif -j "$jobs" >>"$2.log"
	put "$2/libheif/libheif.a" "$3/lib/libheif.a"
	for h in heif.h heif_plugin.h; do put "$1/libheif/$h" "$3/include/libheif/$h"; done
	put "$2/libheif/heif_version.h" "$3/include/libheif/heif_version.h"
	put "$2/libheif.pc" "$3/lib/pkgconfig/libheif.pc"
}

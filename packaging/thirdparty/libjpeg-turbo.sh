# shellcheck shell=bash disable=SC2034,SC2154 # a recipe: build.sh reads its variables and sets cmake_args, configure_args, jobs
# libjpeg-turbo: the JPEG codec of PicPool's fast path (processing/jpeg_turbo.go
# uses its TurboJPEG API). Debian 12's source package, the same version the
# Linux build links from libturbojpeg0-dev. Licences: IJG, BSD-3-Clause, zlib.
deb_version=1:2.1.5-2
pool=main/libj/libjpeg-turbo
files=(
	"libjpeg-turbo_2.1.5.orig.tar.gz 254f3642b04e309fee775123133c6464181addc150499561020312ec61c1bf7c"
	"libjpeg-turbo_2.1.5-2.debian.tar.xz cdb2433c2f7101345c1ffa14efb943787c675b86354691a32490845fe4bc9237"
)
licences=(LICENSE.md README.ijg)
tools=(cmake nasm)

# Only the static TurboJPEG library and its header: the SIMD code (nasm on
# x86-64, NEON intrinsics on arm64) is part of it.
#
# For Windows, the SIMD dispatcher's two flags (which instruction sets the CPU
# has, and the JSIMD_* variables) are made plain statics rather than
# thread-local ones: MinGW's GCC has no native thread-local storage and calls
# libwinpthread (TlsGetValue, GetLastError, SetLastError) at every access,
# and the dispatcher reads them for every 8x8 block (under Wine, 230,000
# GetLastError calls per 12-megapixel photo decoded). Every thread computes
# the same values from the CPU and the environment; libjpeg-turbo kept them
# in plain statics before 2.0.
build_lib() { # src build prefix
	if [ "$target" = mingw64 ]; then
		sed -i 's/^static THREAD_LOCAL unsigned int simd_/static unsigned int simd_/' "$1/simd/x86_64/jsimd.c"
		[ "$(grep -c '^static unsigned int simd_' "$1/simd/x86_64/jsimd.c")" = 2 ] ||
			{ echo "libjpeg-turbo.sh: jsimd.c's thread-local flags not found" >&2; return 1; }
	fi
	cmake -S "$1" -B "$2" "${cmake_args[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$3" \
		-DENABLE_SHARED=OFF -DENABLE_STATIC=ON -DWITH_TURBOJPEG=ON -DWITH_JAVA=OFF \
		-DREQUIRE_SIMD=ON -DCMAKE_POSITION_INDEPENDENT_CODE=ON >"$2.log"
	cmake --build "$2" --target turbojpeg-static -j "$jobs" >>"$2.log"
	put "$2/libturbojpeg.a" "$3/lib/libturbojpeg.a"
	put "$1/turbojpeg.h" "$3/include/turbojpeg.h"
	put "$2/pkgscripts/libturbojpeg.pc" "$3/lib/pkgconfig/libturbojpeg.pc"
}

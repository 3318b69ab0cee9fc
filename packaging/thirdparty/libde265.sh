# shellcheck shell=bash disable=SC2034,SC2154 # a recipe: build.sh reads its variables and sets cmake_args, configure_args, jobs
# libde265: the HEVC decoder under libheif (libheif.sh), for PicPool's native
# HEIC decoding (codec/heif_cgo.go, -tags picpool_static_heif) in the
# Windows app. Debian 12's source package with its security fixes
# (debian/patches), the same version the Linux build links from
# libde265-dev. Licence: LGPL-3+ (docs/codecs.md: what that asks of a
# static link).
deb_version=1.0.11-1+deb12u2
pool=main/libd/libde265
files=(
	"libde265_1.0.11.orig.tar.gz 2f8f12cabbdb15e53532b7c1eb964d4e15d444db1be802505e6ac97a25035bab"
	"libde265_1.0.11-1+deb12u2.debian.tar.xz 81de2919da09690f2fb80383fcc68cda397bfed878a010061627f7794e278f4b"
)
licences=(COPYING)
tools=(cmake "${cc/gcc/g++}") # the C++ compiler: g++ beside MinGW's gcc, or clang

# Only the static decoder library (C++, with its SSE code), its headers and
# libde265.pc: no encoder, no dec265 or other tools, no SDL.
# On Windows libde265 synchronises its threads with kernel mutex objects
# (CreateMutex, WaitForSingleObject: a system call each, several per coding
# block; under Wine a round trip to the wineserver, which made decoding
# 3.5x slower there); MinGW-w64's POSIX threads (winpthreads, linked
# statically) lock in user space, so its pthread code is used instead.
build_lib() { # src build prefix
	local cxx=${cc/gcc/g++} f
	[ "$cc" != clang ] || cxx=clang++
	for f in "$1/libde265/threads.h" "$1/libde265/threads.cc"; do
		grep -q '^#ifndef _WIN32$' "$f" || die "libde265: no '#ifndef _WIN32' in $f to turn into pthreads"
		sed -i.orig 's|^#ifndef _WIN32$|#if !defined(_WIN32) \|\| defined(__MINGW32__) /* PicPool: winpthreads */|' "$f"
	done
	cmake -S "$1" -B "$2" "${cmake_args[@]}" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX="$3" -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
		-DENABLE_SDL=OFF -DENABLE_DECODER=OFF -DENABLE_ENCODER=OFF >"$2.log"
	cmake --build "$2" --target de265 -j "$jobs" >>"$2.log"
	put "$2/libde265/libde265.a" "$3/lib/libde265.a"
	put "$1/libde265/de265.h" "$3/include/libde265/de265.h"
	put "$2/libde265/de265-version.h" "$3/include/libde265/de265-version.h"
	put "$2/libde265/libde265.pc" "$3/lib/pkgconfig/libde265.pc"
}

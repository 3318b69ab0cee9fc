# shellcheck shell=bash disable=SC2034,SC2154 # a recipe: build.sh reads its variables and sets cmake_args, configure_args, jobs
# dav1d: the AV1 decoder under libheif (libheif.sh) for PicPool's native
# AVIF decoding (codec/avif_heif.go, -tags picpool_static_avif). Debian 12's
# source package with its security fixes (debian/patches), the version the
# .deb's libavif15 decodes with (libdav1d6). Licence: BSD-2-Clause.
deb_version=1.0.0-2+deb12u1
pool=main/d/dav1d
files=(
	"dav1d_1.0.0.orig.tar.xz 51737db7e4897e599684f873a4725176dd3c779e639411d7c4fce134bb5ebb82"
	"dav1d_1.0.0-2+deb12u1.debian.tar.xz ae53e2bda2a18275cc66570194fced9b9681df2b3b8e041586a26a59d69a727e"
)
licences=(COPYING)
tools=(meson ninja nasm)

# Only the static library (8- and 16-bit code, with its assembly), its
# headers and dav1d.pc: no dav1d tool, no tests. On Windows dav1d's threads
# are its own (src/win32/thread.c: slim reader/writer locks and condition
# variables, in user space).
build_lib() { # src build prefix
	local cross=()
	case $cc in
	x86_64-w64-mingw32-*)
		local t=x86_64-w64-mingw32
		cat >"$2.cross" <<CROSS
[binaries]
c = '$cc'
ar = '$t-ar'
strip = '$t-strip'
windres = '$t-windres'

[host_machine]
system = 'windows'
cpu_family = 'x86_64'
cpu = 'x86_64'
endian = 'little'
CROSS
		cross=(--cross-file "$2.cross")
		;;
	esac
	CC=$cc meson setup "$2" "$1" "${cross[@]}" --prefix="$3" --libdir=lib --buildtype=release \
		--default-library=static -Db_staticpic=true -Denable_tools=false -Denable_examples=false \
		-Denable_tests=false -Denable_docs=false -Dbitdepths=8,16 -Denable_asm=true >"$2.log"
	ninja -C "$2" -j "$jobs" src/libdav1d.a >>"$2.log"
	put "$2/src/libdav1d.a" "$3/lib/libdav1d.a"
	for h in common.h data.h dav1d.h headers.h picture.h; do put "$1/include/dav1d/$h" "$3/include/dav1d/$h"; done
	put "$2/include/dav1d/version.h" "$3/include/dav1d/version.h"
	mkdir -p "$3/lib/pkgconfig"
	sed -e "s|^prefix=.*|prefix=$3|" -e "s|^libdir=.*|libdir=\${prefix}/lib|" "$2/meson-private/dav1d.pc" >"$3/lib/pkgconfig/dav1d.pc"
}

# shellcheck shell=bash disable=SC2034,SC2154 # a recipe: build.sh reads its variables and sets cmake_args, configure_args, jobs
# libwebp: PicPool's WebP codec (codec/webp_cgo.go, -tags picpool_static_webp
# links libwebp.a), natively instead of the WebAssembly build the Windows and
# macOS apps would otherwise run: encoding is 4-5x faster. Debian 12's source
# package with its security fixes (debian/patches: CVE-2023-4863), the same
# version the Linux build links from libwebp-dev. Licence: BSD-3-Clause, with
# Google's patent grant (PATENTS).
deb_version=1.2.4-0.2+deb12u1
pool=main/libw/libwebp
files=(
	"libwebp_1.2.4.orig.tar.gz 7bf5a8a28cc69bcfa8cb214f2c3095703c6b73ac5fba4d5480c205331d9494df"
	"libwebp_1.2.4-0.2+deb12u1.debian.tar.xz 69cdba4dfe2e1b34d55fa80c1b29c31cacd40dd183812d6bcca7e508a2f7afcd"
)
licences=(COPYING PATENTS)
tools=(cmake)

# Only the static libwebp (decoder and encoder, its SIMD code chosen at run
# time), its headers and libwebp.pc; no tools, no mux/demux libraries
# (PicPool reads and writes the container itself).
build_lib() { # src build prefix
	cmake -S "$1" -B "$2" "${cmake_args[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$3" \
		-DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
		-DWEBP_BUILD_ANIM_UTILS=OFF -DWEBP_BUILD_CWEBP=OFF -DWEBP_BUILD_DWEBP=OFF -DWEBP_BUILD_GIF2WEBP=OFF \
		-DWEBP_BUILD_IMG2WEBP=OFF -DWEBP_BUILD_VWEBP=OFF -DWEBP_BUILD_WEBPINFO=OFF -DWEBP_BUILD_LIBWEBPMUX=OFF \
		-DWEBP_BUILD_WEBPMUX=OFF -DWEBP_BUILD_EXTRAS=OFF >"$2.log"
	cmake --build "$2" --target webp -j "$jobs" >>"$2.log"
	put "$2/libwebp.a" "$3/lib/libwebp.a"
	for h in decode.h encode.h types.h; do put "$1/src/webp/$h" "$3/include/webp/$h"; done
	put "$2/src/libwebp.pc" "$3/lib/pkgconfig/libwebp.pc"
}

# shellcheck shell=bash disable=SC2034,SC2154 # a recipe: build.sh reads its variables and sets cmake_args, configure_args, jobs
# aom: the AV1 encoder under libheif (libheif.sh) for PicPool's native AVIF
# encoding (codec/avif_heif.go, -tags picpool_static_avif). Debian 12's
# source package with its security fixes (debian/patches), the version the
# .deb's libavif15 encodes with (libaom3). deb12u3 is on security.debian.org
# only (pool/updates/); the upstream tarball is the same file in both.
# Licence: BSD-2-Clause, with the Alliance for Open Media patent licence
# (PATENTS).
deb_version=3.6.0-1+deb12u3
pool=main/a/aom
security_files=("aom_3.6.0-1+deb12u3.debian.tar.xz")
files=(
	"aom_3.6.0.orig.tar.gz 2ba213822cb1528b5558d6727125654e14d1b2d7505bd1fc8afa36c2e9e9f94a"
	"aom_3.6.0-1+deb12u3.debian.tar.xz 79ae3cf9a422308fce165b018866307e4b5592dfe7d34774e4f7ab8899f52011"
)
licences=(LICENSE PATENTS)
tools=(cmake nasm perl "${cc/gcc/g++}")

# Only the static encoder library (no decoder: dav1d decodes), with its
# assembly (nasm) and runtime CPU detection, 8- and 10/12-bit: no examples,
# tools, tests or documentation. On Windows aom's threads are its own
# (aom_util/aom_thread.h: critical sections and condition variables, in
# user space).
build_lib() { # src build prefix
	local cxx=${cc/gcc/g++}
	[ "$cc" != clang ] || cxx=clang++
	cmake -S "$1" -B "$2" "${cmake_args[@]}" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX="$3" -DBUILD_SHARED_LIBS=OFF -DCONFIG_PIC=1 -DCONFIG_AV1_DECODER=0 \
		-DENABLE_DOCS=0 -DENABLE_EXAMPLES=0 -DENABLE_TESTS=0 -DENABLE_TESTDATA=0 -DENABLE_TOOLS=0 \
		-DENABLE_NASM=1 -DCONFIG_TUNE_VMAF=0 -DCONFIG_TUNE_BUTTERAUGLI=0 >"$2.log"
	cmake --build "$2" --target aom -j "$jobs" >>"$2.log"
	put "$2/libaom.a" "$3/lib/libaom.a"
	for h in aom.h aom_codec.h aom_encoder.h aom_external_partition.h aom_frame_buffer.h aom_image.h \
		aom_integer.h aomcx.h; do
		put "$1/aom/$h" "$3/include/aom/$h"
	done
	mkdir -p "$3/lib/pkgconfig"
	cat >"$3/lib/pkgconfig/aom.pc" <<PC
prefix=$3
includedir=\${prefix}/include
libdir=\${prefix}/lib

Name: aom
Description: AV1 codec library (encoder only), static
Version: 3.6.0
Cflags: -I\${includedir}
Libs: -L\${libdir} -laom
Libs.private: -lm -lpthread
PC
}

# shellcheck shell=bash disable=SC2034,SC2154 # a recipe: build.sh reads its variables and sets cmake_args, configure_args, jobs
# Little CMS 2: colour management (ICC profiles), linked through cgo
# (`#cgo pkg-config: lcms2`). Debian 12's source package with its security
# fixes (debian/patches). Licence: MIT.
deb_version=2.14-2+deb12u1
pool=main/l/lcms2
files=(
	"lcms2_2.14.orig.tar.gz 28474ea6f6591c4d4cee972123587001a4e6e353412a41b3e9e82219818d5740"
	"lcms2_2.14-2+deb12u1.debian.tar.xz 3b88006a5ccc15f3d4b2f28310875a8c4d789ac8342deaf4113ed5c2fd4a59e8"
)
licences=(COPYING)
tools=(make)

# The library, its two headers and lcms2.pc; no utilities (they would need
# libjpeg and libtiff for the target). Built out of tree with the shipped
# configure script (Debian's configure.ac patch concerns the utilities).
build_lib() { # src build prefix
	mkdir -p "$2"
	(cd "$2" && "$1/configure" "${configure_args[@]}" --prefix="$3" \
		--disable-shared --enable-static --without-jpeg --without-tiff --without-zlib) >"$2.log"
	{
		make -C "$2/src" -j "$jobs" install
		make -C "$2/include" install
		make -C "$2" install-pkgconfigDATA
	} >>"$2.log"
	rm -f "$3/lib/liblcms2.la"
}

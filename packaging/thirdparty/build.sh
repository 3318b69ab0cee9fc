#!/usr/bin/env bash
# Builds the C libraries that PicPool links statically into its Windows and
# macOS apps, from Debian 12's own source packages, pinned by version and
# SHA-256 (one recipe per library beside this script: <name>.sh).
#
#   packaging/thirdparty/build.sh mingw64               every library here
#   packaging/thirdparty/build.sh darwin-arm64 lcms2    one (on a Mac)
#   packaging/thirdparty/build.sh --env mingw64   prints the variables that let
#                                                 cgo find them (eval it)
#
# Each library lands in build/thirdparty/<target>/{include,lib,lib/pkgconfig},
# static only, its licence files in share/licenses/<name>/. Targets:
#   linux-amd64    Linux x86-64 with the machine's GCC (the tarball)
#   mingw64        Windows x86-64 with Debian's MinGW-w64 (POSIX threads)
#   darwin-arm64   macOS on Apple Silicon (clang on a Mac)
#   darwin-amd64   macOS on Intel (clang on a Mac)
# A recipe's files are fetched from DEBIAN_MIRROR's pool/, those it also names
# in security_files (a revision only the security archive has) from
# DEBIAN_SECURITY_MIRROR's pool/updates/.
# A library is rebuilt only when its recipe or the way it is built changed. Sources
# come from DEBIAN_MIRROR (default http://deb.debian.org/debian) into
# build/thirdparty/src/ and must match the recipe's SHA-256 sums: the same
# bytes whichever mirror served them. To move to a newer Debian revision:
# `apt-get source --download-only <name>` (deb-src in the apt sources'
# Types), then copy the version and `sha256sum` of its files into the recipe.
#
# A recipe may also only keep a licence (libyuv.sh: code that a Go module
# embeds compiled to WebAssembly, whose licence the module does not ship);
# its build_lib does nothing.
#
# One more library is one more recipe. A recipe sets deb_version, pool (the path under pool/), files ("name
# sha256" pairs: orig tarball first, then the debian tarball), licences (files
# of the source tree to keep), tools (programs it needs) and a function
# build_lib SRC BUILD PREFIX that may use $cc, ${cmake_args[@]},
# ${configure_args[@]}, $jobs and put (copy a file, making its folder).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# shellcheck disable=SC2034 # jobs, cmake_args, configure_args: for the recipes
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

die() { echo "thirdparty: $*" >&2; exit 1; }
sha256() { if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1; }
put() { mkdir -p "$(dirname "$2")" && cp -f "$1" "$2"; }
# A failing build step stops the script (set -e): show the end of its log.
building=
on_exit() {
	[ "$1" = 0 ] || [ -z "$building" ] || { tail -n 25 "$building" >&2; echo "thirdparty: $name failed (rc $1), log: $building" >&2; }
}
trap 'on_exit $?' EXIT

# setup_target sets the compiler and the cross-compiling arguments.
# shellcheck disable=SC2034
setup_target() {
	cmake_args=() configure_args=()
	case $1 in
	linux-amd64)
		[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || die "linux-amd64 builds on an x86-64 Linux"
		cc=gcc
		cmake_args=(-DCMAKE_C_COMPILER=gcc)
		configure_args=(CC=gcc)
		;;
	mingw64)
		local t=x86_64-w64-mingw32
		if command -v "$t-gcc-posix" >/dev/null; then cc=$t-gcc-posix; else cc=$t-gcc; fi
		cmake_args=(-DCMAKE_SYSTEM_NAME=Windows -DCMAKE_SYSTEM_PROCESSOR=AMD64
			-DCMAKE_C_COMPILER="$cc" -DCMAKE_RC_COMPILER="$t-windres")
		configure_args=(--host="$t" CC="$cc" AR="$t-ar" RANLIB="$t-ranlib")
		;;
	darwin-arm64 | darwin-amd64)
		local arch=${1#darwin-} machine
		[ "$arch" = amd64 ] && machine=x86_64 || machine=arm64
		cc=clang
		# The oldest macOS fyne builds for (it links with the same minimum).
		export MACOSX_DEPLOYMENT_TARGET=${MACOSX_DEPLOYMENT_TARGET:-10.13}
		cmake_args=(-DCMAKE_OSX_ARCHITECTURES="$machine" -DCMAKE_C_COMPILER=clang)
		if [ "$(uname -m)" != "$machine" ]; then
			cmake_args+=(-DCMAKE_SYSTEM_NAME=Darwin -DCMAKE_SYSTEM_PROCESSOR="$machine")
		fi
		[ "$machine" = arm64 ] && machine=aarch64
		configure_args=(--host="$machine-apple-darwin" CC="clang -arch ${machine/aarch64/arm64}")
		;;
	*) die "unknown target $1 (linux-amd64, mingw64, darwin-arm64, darwin-amd64)" ;;
	esac
}

# print_env prints what cgo needs to find the libraries of a target: headers,
# static archives, and pkg-config files (only these: PKG_CONFIG_LIBDIR hides
# the build machine's own .pc files, which are for another system). For
# Windows the link is -static: libjpeg-turbo keeps thread-local state, which
# MinGW's GCC implements with libwinpthread, and Windows has no
# libwinpthread-1.dll (nor MinGW's other DLLs). CGO_CFLAGS keeps Go's
# default "-g -O2" (or the caller's flags): cgo compiles its C with what
# CGO_CFLAGS says, and "-I..." alone would leave PicPool's own C (the
# YCbCr conversions of heif_cgo.go and avif_heif.go, the colour glue)
# unoptimised, -O0, in the tarball, Windows and macOS builds.
print_env() {
	local p=$root/build/thirdparty/$1 static=''
	[ "$1" != mingw64 ] || static=' -static'
	if [ "$1" = linux-amd64 ]; then # the machine's own .pc files stay: the rest links with them
		printf 'export CGO_CFLAGS=%q CGO_LDFLAGS=%q PKG_CONFIG_PATH=%q\n' \
			"${CGO_CFLAGS:--g -O2} -I$p/include" "${CGO_LDFLAGS:+$CGO_LDFLAGS }-L$p/lib" "$p/lib/pkgconfig"
		return
	fi
	printf 'export CGO_CFLAGS=%q CGO_LDFLAGS=%q PKG_CONFIG_LIBDIR=%q PKG_CONFIG_PATH=\n' \
		"${CGO_CFLAGS:--g -O2} -I$p/include" "${CGO_LDFLAGS:+$CGO_LDFLAGS }-L$p/lib$static" "$p/lib/pkgconfig"
}

fetch() { # file sha256 -> path of the verified download
	local dir=$root/build/thirdparty/src f=$1 sum=$2 url=$mirror/pool/$pool/$1 s
	for s in "${security_files[@]}"; do [ "$s" != "$f" ] || url=$security_mirror/pool/updates/$pool/$f; done
	mkdir -p "$dir"
	if [ ! -f "$dir/$f" ] || [ "$(sha256 "$dir/$f")" != "$sum" ]; then
		echo "thirdparty: fetching $url" >&2
		curl -fsSL --retry 3 -o "$dir/$f.part" "$url" ||
			die "cannot fetch $f from $url (set DEBIAN_MIRROR or DEBIAN_SECURITY_MIRROR, e.g. to a snapshot.debian.org archive)"
		[ "$(sha256 "$dir/$f.part")" = "$sum" ] || die "$f: SHA-256 $(sha256 "$dir/$f.part"), want $sum (recipe $name.sh)"
		mv -f "$dir/$f.part" "$dir/$f"
	fi
	echo "$dir/$f"
}

# unpack extracts the orig tarball and the debian tarball and applies
# Debian's patches in the order of debian/patches/series, as dpkg-source -x.
unpack() { # dest
	local dest=$1 orig debtar p
	read -r f sum <<<"${files[0]}"
	orig=$(fetch "$f" "$sum")
	read -r f sum <<<"${files[1]}"
	debtar=$(fetch "$f" "$sum")
	rm -rf "$dest" && mkdir -p "$dest"
	tar -xf "$orig" -C "$dest" --strip-components=1
	tar -xf "$debtar" -C "$dest"
	if [ -f "$dest/debian/patches/series" ]; then
		while read -r p _; do
			case $p in '' | '#'*) continue ;; esac
			patch -d "$dest" -p1 -s -N <"$dest/debian/patches/$p" || die "$name: Debian patch $p does not apply"
		done <"$dest/debian/patches/series"
	fi
}

build_one() { # target name
	local target=$1 prefix=$root/build/thirdparty/$1 work=$root/build/thirdparty/work/$1/$2
	name=$2
	[ -f "$here/$name.sh" ] || die "no recipe $here/$name.sh"
	# Sources unpacked here hold Go files of their own (libwebp's swig/):
	# a go.mod makes them a module apart, out of the project's ./... (vet, test).
	[ -f "$root/build/thirdparty/work/go.mod" ] || { mkdir -p "$root/build/thirdparty/work" &&
		echo 'module picpool.invalid/thirdparty-sources // unpacked C sources, not part of PicPool' >"$root/build/thirdparty/work/go.mod"; }
	unset -f build_lib
	deb_version='' pool='' files=() security_files=() licences=() tools=()
	# shellcheck source=/dev/null
	. "$here/$name.sh"
	local stamp=$prefix/.built-$name want
	# The stamp: what the library is built from and how (the recipe, and
	# this script's functions that build it; not the rest of the script).
	want="$target $deb_version $({ cat "$here/$name.sh"; declare -f setup_target unpack build_lib; } |
		{ if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi; } | cut -d' ' -f1)"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		echo "thirdparty: $name $deb_version for $target is up to date"
		return
	fi
	for t in "${tools[@]}" "$cc"; do
		command -v "${t%% *}" >/dev/null || die "$name needs $t"
	done
	echo "thirdparty: building $name $deb_version (Debian source) for $target"
	unpack "$work/src"
	rm -rf "$work/build" "$work/build.log"
	building=$work/build.log
	build_lib "$work/src" "$work/build" "$prefix"
	building=
	for l in "${licences[@]}"; do put "$work/src/$l" "$prefix/share/licenses/$name/$l"; done
	put "$work/src/debian/copyright" "$prefix/share/licenses/$name/copyright"
	echo "$deb_version" >"$prefix/share/licenses/$name/DEBIAN-VERSION"
	echo "$want" >"$stamp"
	for a in "$prefix"/lib/*.a; do echo "  $(basename "$a") $(wc -c <"$a" | tr -d ' ') bytes"; done
}

case ${1:-} in
--env)
	[ $# = 2 ] || die "usage: build.sh --env TARGET"
	print_env "$2"
	;;
'' | -*) die "usage: build.sh TARGET LIBRARY... | build.sh --env TARGET" ;;
*)
	target=$1
	shift
	setup_target "$target"
	if [ $# = 0 ]; then
		for f in "$here"/*.sh; do [ "$f" = "$here/build.sh" ] || set -- "$@" "$(basename "$f" .sh)"; done
	fi
	for lib in "$@"; do build_one "$target" "$lib"; done
	;;
esac

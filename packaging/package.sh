#!/usr/bin/env bash
# Builds PicPool's installable app for one system with `fyne package` and puts
# it in build/dist/:
#   packaging/package.sh linux    PicPool-<version>-linux-<arch>.tar.xz
#   packaging/package.sh windows  PicPool-<version>-windows-amd64.exe
#                                 (cross-compiled with MinGW-w64 off Windows)
#   packaging/package.sh darwin   PicPool-<version>-macos-<arch>.dmg and .app.zip
#                                 (on macOS only: needs Apple's SDK)
# `fyne package` bumps Build in FyneApp.toml and writes temporary files
# (fyne_metadata_init.go, fyne.syso) into the folder it builds, so it runs on
# a copy of the working tree under build/package/<os>/ and the tree is left
# as it was. FYNE names the pinned CLI (the Makefile installs it).
set -euo pipefail

os=${1:?usage: packaging/package.sh linux|windows|darwin}
root=$(cd "$(dirname "$0")/.." && pwd)
fyne=${FYNE:-fyne}
dist=$root/build/dist
stage=$root/build/package/$os/picpool
version=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$root/FyneApp.toml" | head -n 1)
[ -n "$version" ] || { echo "package.sh: no Version in FyneApp.toml" >&2; exit 1; }
export LANG=C.UTF-8

# Build tags. Linux packages link libjpeg-turbo statically (libturbojpeg.a
# from libturbojpeg0-dev, which the build needs anyway): most desktops have no
# libturbojpeg.so, and a static copy gives them the fast JPEG path (3x the
# pure-Go one, docs/speed.md). Windows and macOS packages take the pure-Go JPEG
# path: MinGW on Debian and the macOS runners have no TurboJPEG at all. Every
# package keeps the C filter kernels (cgo is on for Fyne anyway).
# PACKAGE_TAGS overrides (empty: libjpeg-turbo linked dynamically).
case $os in
linux) default_tags=picpool_static_turbo ;;
*) default_tags=picpool_purego ;;
esac
tags=${PACKAGE_TAGS-$default_tags}
tagflags=()
[ -z "$tags" ] || tagflags=(-tags "$tags")

# The tree must come out as it went in: FyneApp.toml untouched, no files of
# fyne's left at the root.
before=$(cksum <"$root/FyneApp.toml")
check_tree() {
	[ "$(cksum <"$root/FyneApp.toml")" = "$before" ] || { echo "package.sh: FyneApp.toml was modified" >&2; exit 1; }
	for f in fyne_metadata_init.go fyne.syso; do
		[ ! -e "$root/$f" ] || { echo "package.sh: fyne left $f at the root of the tree" >&2; exit 1; }
	done
}

# A copy of the sources: what git knows of (tracked and untracked, not
# ignored), or everything but build/ outside a git checkout.
rm -rf "$stage"
mkdir -p "$stage" "$dist"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$root" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -xf - -C "$stage"
else
	(cd "$root" && tar --exclude=./build -cf - .) | tar -xf - -C "$stage"
fi

cd "$stage"
case $os in
linux)
	arch=$(go env GOARCH)
	"$fyne" package -os linux -release ${tagflags[@]+"${tagflags[@]}"}
	out=$dist/PicPool-$version-linux-$arch.tar.xz
	# fyne's Makefile takes its Exec from the .desktop entry's, which [CanOpen]
	# in FyneApp.toml turns into "picpool %F": `make install` would then look
	# for a file named "picpool %F". Keep the arguments out of the Makefile.
	fix=$(mktemp -d)
	tar -xJf PicPool.tar.xz -C "$fix"
	sed -i 's/^Exec := "\([^" ]*\) [^"]*"$/Exec := "\1"/' "$fix/picpool/Makefile"
	grep -qx 'Exec := "picpool"' "$fix/picpool/Makefile" ||
		{ echo "package.sh: fyne's Makefile does not install bin/picpool" >&2; exit 1; }
	tar -cJf "$out" --owner=0 --group=0 --numeric-owner -C "$fix" picpool
	rm -rf "$fix" PicPool.tar.xz
	;;
windows)
	export GOARCH=amd64
	if [ "$(go env GOHOSTOS)" != windows ]; then
		# Debian's MinGW-w64 with POSIX threads (what cgo's runtime needs).
		if command -v x86_64-w64-mingw32-gcc-posix >/dev/null; then
			export CC=${CC:-x86_64-w64-mingw32-gcc-posix} CXX=${CXX:-x86_64-w64-mingw32-g++-posix}
		else
			export CC=${CC:-x86_64-w64-mingw32-gcc} CXX=${CXX:-x86_64-w64-mingw32-g++}
		fi
	fi
	"$fyne" package -os windows -release ${tagflags[@]+"${tagflags[@]}"}
	out=$dist/PicPool-$version-windows-amd64.exe
	mv -f PicPool.exe "$out"
	;;
darwin)
	arch=$(go env GOARCH)
	"$fyne" package -os darwin -release ${tagflags[@]+"${tagflags[@]}"}
	out=$dist/PicPool-$version-macos-$arch.dmg
	rm -rf dmg "$out" && mkdir dmg && mv PicPool.app dmg/ && ln -s /Applications dmg/Applications
	hdiutil create -volname "PicPool $version" -srcfolder dmg -ov -format UDZO "$out"
	(cd dmg && ditto -c -k --keepParent PicPool.app "$dist/PicPool-$version-macos-$arch.app.zip")
	;;
*)
	echo "package.sh: unknown system $os (linux, windows or darwin)" >&2
	exit 2
	;;
esac
check_tree
echo "built $out ($(du -h "$out" | cut -f1))"

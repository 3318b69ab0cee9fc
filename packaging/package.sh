#!/usr/bin/env bash
# Builds PicPool's installable app for one system with `fyne package` and puts
# it in build/dist/:
#   packaging/package.sh linux    PicPool-<version>-linux-<arch>.tar.xz and
#                                 picpool_<version>_<arch>.deb (packaging/deb.sh)
#   packaging/package.sh windows  PicPool-<version>-windows-amd64.exe (the bare
#                                 program) and PicPool-<version>-windows-amd64-setup.exe
#                                 (its installer: packaging/windows/picpool.nsi),
#                                 cross-compiled with MinGW-w64 off Windows
#   packaging/package.sh darwin   PicPool-<version>-macos-<arch>.dmg and .app.zip,
#                                 ad-hoc signed (on macOS only: needs Apple's SDK;
#                                 GOARCH=amd64|arm64 chooses the machine)
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

# Build tags: every package has the fast JPEG path, libjpeg-turbo linked
# statically (-tags picpool_static_turbo), and the C filter kernels (cgo is
# on for Fyne anyway). Linux links libturbojpeg.a from libturbojpeg0-dev
# (which the build installs anyway): most desktops have no libturbojpeg.so.
# Windows and macOS link the C libraries of packaging/thirdparty/, built from
# Debian's pinned source packages for that system (every recipe there, or
# those THIRDPARTY_LIBS names). Other C
# libraries (lcms2 on Linux) are linked dynamically and become the .deb's
# dependencies. PACKAGE_TAGS overrides the tags (empty: libjpeg-turbo linked
# dynamically; picpool_purego: image/jpeg).
tags=${PACKAGE_TAGS-picpool_static_turbo}
tagflags=()
[ -z "$tags" ] || tagflags=(-tags "$tags")
read -ra thirdparty_libs <<<"${THIRDPARTY_LIBS-}"

# thirdparty TARGET builds (when out of date) the static C libraries for
# TARGET and points cgo at them: CGO_CFLAGS, CGO_LDFLAGS, PKG_CONFIG_LIBDIR.
thirdparty() {
	bash "$root/packaging/thirdparty/build.sh" "$1" ${thirdparty_libs[@]+"${thirdparty_libs[@]}"}
	eval "$(bash "$root/packaging/thirdparty/build.sh" --env "$1")"
	licences=$root/build/thirdparty/$1/share/licenses
}

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
	bash "$root/packaging/deb.sh" "$fix/picpool" "$version"
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
	thirdparty mingw64
	"$fyne" package -os windows -release ${tagflags[@]+"${tagflags[@]}"}
	exe=$dist/PicPool-$version-windows-amd64.exe
	mv -f PicPool.exe "$exe"
	# The installer: the .exe, its icon at Windows' sizes, the licences of
	# the libraries linked in. VIProductVersion wants four numbers.
	(cd "$root" && go run ./packaging/icon -o '' -ico "$stage/picpool.ico" >/dev/null)
	out=$dist/PicPool-$version-windows-amd64-setup.exe
	makensis -V2 -DVERSION="$version" -DVIVERSION="$(echo "$version" | awk -F'[.-]' '{ printf "%d.%d.%d.%d", $1, $2, $3, $4 }')" \
		-DEXE="$exe" -DICON="$stage/picpool.ico" -DLICENCES="$licences" -DOUTFILE="$out" \
		"$root/packaging/windows/picpool.nsi"
	echo "built $exe ($(du -h "$exe" | cut -f1))"
	;;
darwin)
	arch=$(go env GOARCH)
	thirdparty "darwin-$arch"
	"$fyne" package -os darwin -release ${tagflags[@]+"${tagflags[@]}"}
	python3 "$root/packaging/macos/info-plist.py" fix PicPool.app
	mkdir -p PicPool.app/Contents/Resources/licenses
	cp -R "$licences/." PicPool.app/Contents/Resources/licenses/
	# Ad-hoc signature (no Apple identity): arm64 Macs refuse to run unsigned
	# code, and it seals the bundle (codesign --verify finds any change).
	codesign --force --deep --sign - PicPool.app
	codesign --verify --deep --strict PicPool.app
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

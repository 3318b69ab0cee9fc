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

# shellcheck source=packaging/lib/tags.sh
. "$root/packaging/lib/tags.sh"
read -ra thirdparty_libs <<<"${THIRDPARTY_LIBS-}"

# fyne_package OS TAGS runs `fyne package` in the copy of the tree, from
# FyneApp.toml as committed (fyne bumps Build in the copy each time).
fyne_package() {
	cp "$root/FyneApp.toml" FyneApp.toml
	if [ -n "$2" ]; then "$fyne" package -os "$1" -release -tags "$2"; else "$fyne" package -os "$1" -release; fi
}

# has_tag TAGS TAG
has_tag() { [[ ",$1," == *",$2,"* ]]; }

# thirdparty TARGET TAGS builds (when out of date) the static C libraries
# for TARGET that TAGS link (or those THIRDPARTY_LIBS names) and points cgo
# at them: CGO_CFLAGS, CGO_LDFLAGS, PKG_CONFIG_LIBDIR.
thirdparty() {
	local libs=(libjpeg-turbo lcms2 libwebp libyuv)
	[ "$1" != linux-amd64 ] || libs=() # Debian's own -dev packages have those
	! has_tag "$2" picpool_static_heif || libs+=(aom dav1d libde265 libheif)
	[ ${#libs[@]} -gt 0 ] || return 0
	[ ${#thirdparty_libs[@]} = 0 ] || libs=("${thirdparty_libs[@]}")
	bash "$root/packaging/thirdparty/build.sh" "$1" "${libs[@]}"
	eval "$(bash "$root/packaging/thirdparty/build.sh" --env "$1")"
	licences=$root/build/thirdparty/$1/share/licenses
}

# third_party_licences BIN TITLE OUT [-lib NAME=PATH]... writes the
# THIRD-PARTY-LICENSES file of the program BIN (packaging/licenses: its Go
# modules, with the C libraries linked in named by the caller).
third_party_licences() {
	local bin=$1 title=$2 out=$3
	shift 3
	(cd "$root" && CGO_ENABLED=0 go run ./packaging/licenses -bin "$bin" -title "$title" -o "$out" "$@")
	echo "wrote $out ($(grep -c '^========' "$out") licence texts / 2)"
}

# thirdparty_licence_args TAGS: the -lib and -embedded arguments for a
# program built with TAGS against packaging/thirdparty's libraries.
thirdparty_licence_args() {
	lic_args=(-embedded "github.com/gen2brain/avif:libyuv=$licences/libyuv")
	! has_tag "$1" picpool_static_turbo || lic_args+=(-lib "libjpeg-turbo=$licences/libjpeg-turbo")
	has_tag "$1" picpool_nolcms || lic_args+=(-lib "lcms2=$licences/lcms2")
	! has_tag "$1" picpool_static_webp || lic_args+=(-lib "libwebp=$licences/libwebp")
	static_heif_licence_args "$1"
}

# static_heif_licence_args TAGS adds libheif and the codecs under it.
static_heif_licence_args() {
	local l
	if has_tag "$1" picpool_static_heif; then
		for l in libheif libde265 dav1d aom; do lic_args+=(-lib "$l=$licences/$l"); done
	fi
}

# debian_licence_args TAGS: the same for a Linux program, whose static
# libraries come from Debian's -dev packages (their copyright files).
debian_licence_args() {
	lic_args=(-embedded "github.com/gen2brain/avif:libyuv=/usr/share/doc/libyuv0/copyright")
	deblib() { lic_args+=(-lib "$1 $(dpkg-query -W -f='${Version}' "$2") (Debian's $2)=/usr/share/doc/$2/copyright"); }
	! has_tag "$1" picpool_static_turbo || deblib libjpeg-turbo libturbojpeg0-dev
	! has_tag "$1" picpool_static_webp || deblib libwebp libwebp-dev
	static_heif_licence_args "$1"
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
	out=$dist/PicPool-$version-linux-$arch.tar.xz
	# The tarball. fyne's Makefile takes its Exec from the .desktop entry's,
	# which [CanOpen] in FyneApp.toml turns into "picpool %F": `make install`
	# would then look for a file named "picpool %F". Keep the arguments out
	# of the Makefile. The licences go to share/doc/picpool/, installed and
	# removed by the Makefile with the rest.
	if has_tag "$tarball_tags" picpool_static_heif; then
		# In a subshell: the .deb below must not link these static
		# libraries (-L would find libheif.a before Debian's libheif.so).
		(thirdparty "linux-$arch" "$tarball_tags" && fyne_package linux "$tarball_tags")
		licences=$root/build/thirdparty/linux-$arch/share/licenses
	else
		fyne_package linux "$tarball_tags"
	fi
	fix=$(mktemp -d)
	tar -xJf PicPool.tar.xz -C "$fix"
	mk=$fix/picpool/Makefile
	sed -i 's/^Exec := "\([^" ]*\) [^"]*"$/Exec := "\1"/' "$mk"
	grep -qx 'Exec := "picpool"' "$mk" ||
		{ echo "package.sh: fyne's Makefile does not install bin/picpool" >&2; exit 1; }
	tbin=$(find "$fix/picpool" -path '*/bin/picpool' -type f)
	doc=$(dirname "$(dirname "$tbin")")/share/doc/picpool
	mkdir -p "$doc"
	debian_licence_args "$tarball_tags"
	third_party_licences "$tbin" "PicPool $version for Linux ($arch), the tarball" "$doc/THIRD-PARTY-LICENSES" "${lic_args[@]}"
	awk '{ print }
		/share\/(pixmaps|icons)\/\$\(Icon\)$/ {
			l = $0; gsub(/share\/(pixmaps|icons)\/\$\(Icon\)/, "share/doc/picpool/THIRD-PARTY-LICENSES", l); print l
			if (l ~ /^\t-rm /) { sub(/^\t-rm /, "\t-rmdir ", l); sub(/\/THIRD-PARTY-LICENSES$/, "", l); print l }
		}' "$mk" >"$mk.new" && mv "$mk.new" "$mk"
	[ "$(grep -c 'THIRD-PARTY-LICENSES' "$mk")" = 4 ] ||
		{ echo "package.sh: could not add the licences to fyne's Makefile" >&2; exit 1; }
	tar -cJf "$out" --owner=0 --group=0 --numeric-owner -C "$fix" picpool
	rm -rf "$fix" PicPool.tar.xz

	# The .deb: the same entry, its own program (Debian's codec libraries).
	fyne_package linux "$deb_tags"
	fix=$(mktemp -d)
	tar -xJf PicPool.tar.xz -C "$fix"
	dbin=$(find "$fix/picpool" -path '*/bin/picpool' -type f)
	debian_licence_args "$deb_tags"
	third_party_licences "$dbin" "PicPool $version for Debian ($arch), the .deb" "$fix/THIRD-PARTY-LICENSES" "${lic_args[@]}"
	bash "$root/packaging/deb.sh" "$fix/picpool" "$version" "$fix/THIRD-PARTY-LICENSES"
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
	thirdparty mingw64 "$windows_tags"
	fyne_package windows "$windows_tags"
	exe=$dist/PicPool-$version-windows-amd64.exe
	mv -f PicPool.exe "$exe"
	# The licences of what the .exe contains: in the installer, and beside
	# the bare .exe on the release page.
	thirdparty_licence_args "$windows_tags"
	lic=$dist/PicPool-$version-windows-amd64-THIRD-PARTY-LICENSES.txt
	third_party_licences "$exe" "PicPool $version for Windows (x86-64)" "$lic" "${lic_args[@]}"
	# The installer: the .exe, its icon at Windows' sizes, the licences.
	# VIProductVersion wants four numbers.
	(cd "$root" && go run ./packaging/icon -o '' -ico "$stage/picpool.ico" >/dev/null)
	out=$dist/PicPool-$version-windows-amd64-setup.exe
	makensis -V2 -DVERSION="$version" -DVIVERSION="$(echo "$version" | awk -F'[.-]' '{ printf "%d.%d.%d.%d", $1, $2, $3, $4 }')" \
		-DEXE="$exe" -DICON="$stage/picpool.ico" -DLICENCES="$lic" -DOUTFILE="$out" \
		"$root/packaging/windows/picpool.nsi"
	echo "built $exe ($(du -h "$exe" | cut -f1))"
	;;
darwin)
	arch=$(go env GOARCH)
	thirdparty "darwin-$arch" "$darwin_tags"
	fyne_package darwin "$darwin_tags"
	python3 "$root/packaging/macos/info-plist.py" fix PicPool.app
	thirdparty_licence_args "$darwin_tags"
	third_party_licences "$stage/PicPool.app/Contents/MacOS/picpool" "PicPool $version for macOS ($arch)" \
		"$stage/PicPool.app/Contents/Resources/THIRD-PARTY-LICENSES.txt" "${lic_args[@]}"
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

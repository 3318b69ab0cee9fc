#!/usr/bin/env bash
# Builds build/dist/picpool_<version>_<arch>.deb from the files of a Linux
# package (packaging/package.sh linux calls it with an unpacked `fyne
# package` tarball built for the .deb, and the binary's third-party licences):
#   packaging/deb.sh TREE VERSION LICENCES
# TREE holds usr/local/... or usr/... as `fyne package` laid it out: the
# binary and the .desktop entry are taken from there. Added here: the icon
# drawn at every hicolor size, the copyright file (with LICENCES), and the
# control file, whose Depends dpkg-shlibdeps computes from the binary itself
# (the libraries it links, at the versions their symbols need: lcms2 and
# the codec libraries libheif, libavif and libwebp among them).
# Needs: dpkg-dev (dpkg-shlibdeps, dpkg-deb), the libraries the binary links
# installed from Debian packages, and Go (the icon).
set -euo pipefail

tree=${1:?usage: packaging/deb.sh TREE VERSION LICENCES}
version=${2:?usage: packaging/deb.sh TREE VERSION LICENCES}
licences=${3:?usage: packaging/deb.sh TREE VERSION LICENCES}
root=$(cd "$(dirname "$0")/.." && pwd)
id=$(sed -n 's/^[[:space:]]*ID[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$root/FyneApp.toml" | head -n 1)
arch=$(dpkg --print-architecture)
work=$root/build/package/deb
pkg=$work/root
out=$root/build/dist/picpool_${version}_$arch.deb

bin=$(find "$tree" -path '*/bin/picpool' -type f | head -n 1)
desktop=$(find "$tree" -path "*/share/applications/$id.desktop" -type f | head -n 1)
if [ -z "$bin" ] || [ -z "$desktop" ]; then
	echo "deb.sh: no bin/picpool or $id.desktop under $tree" >&2
	exit 1
fi

rm -rf "$work"
mkdir -p "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/share/applications" "$pkg/usr/share/doc/picpool"
install -m 755 "$bin" "$pkg/usr/bin/picpool"
install -m 644 "$desktop" "$pkg/usr/share/applications/$id.desktop"
(cd "$root" && go run ./packaging/icon -o '' -hicolor "$pkg/usr/share/icons/hicolor" -id "$id" >/dev/null)

# The copyright file: PicPool, then the third-party software in the binary
# and its licences (packaging/licenses: the Go modules it was built with,
# libjpeg-turbo linked in), as package.sh wrote them.
{
	cat <<COPYRIGHT
PicPool
Source: https://github.com/picpool/picpool
Copyright: The PicPool authors

COPYRIGHT
	cat "$licences"
} >"$pkg/usr/share/doc/picpool/copyright"
chmod 644 "$pkg/usr/share/doc/picpool/copyright"

# Depends, from the binary: dpkg-shlibdeps reads the libraries it needs and
# maps each to its Debian package and minimum version. It wants a source
# package's debian/control, so it runs in a scratch one.
mkdir -p "$work/src/debian"
printf 'Source: picpool\n\nPackage: picpool\nArchitecture: any\n' >"$work/src/debian/control"
depends=$(cd "$work/src" && dpkg-shlibdeps -O -e"$pkg/usr/bin/picpool" 2>"$work/shlibdeps.log" | sed -n 's/^shlibs:Depends=//p') ||
	{ cat "$work/shlibdeps.log" >&2; exit 1; }
[ -n "$depends" ] || { echo "deb.sh: dpkg-shlibdeps found no dependencies" >&2; cat "$work/shlibdeps.log" >&2; exit 1; }

# Recommends: the X11 extension libraries GLFW opens at run time when they
# are there (dlopen, which dpkg-shlibdeps cannot see: cursor shapes,
# monitors, raw mouse input, gamma), found as sonames in the binary and
# mapped to their packages with dpkg -S. apt installs Recommends by default.
recommends=$(strings "$pkg/usr/bin/picpool" | grep -E '^libX(cursor|randr|inerama|i|xf86vm)\.so\.[0-9]+$' | sort -u |
	while read -r so; do dpkg -S "*/$so" 2>/dev/null | head -n 1 | cut -d: -f1; done | sort -u | paste -sd, - | sed 's/,/, /g')

cat >"$pkg/DEBIAN/control" <<CONTROL
Package: picpool
Version: $version
Architecture: $arch
Maintainer: The PicPool authors <picpool@users.noreply.github.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
Depends: $depends
Recommends: $recommends
Section: graphics
Priority: optional
Homepage: https://github.com/picpool/picpool
Description: batch image processing on every core
 PicPool resizes, converts and filters folders of images in parallel, one
 worker per core, from a window (drop folders, build a filter chain, watch
 each worker) or from the command line (picpool run). Bad files get a clear
 error and the batch goes on; sources are never modified.
CONTROL
find "$pkg" -type d -exec chmod 755 {} +
mkdir -p "$(dirname "$out")"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$out" >/dev/null
echo "built $out ($(du -h "$out" | cut -f1)), Depends: $depends; Recommends: $recommends"

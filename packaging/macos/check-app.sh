#!/usr/bin/env bash
# Checks PicPool.app as built by `packaging/package.sh darwin`:
#   packaging/macos/check-app.sh APP VERSION ID ARCH
# Info.plist (info-plist.py check), the licences of the third-party software
# inside (Resources/THIRD-PARTY-LICENSES.txt), and, with Apple's tools when
# present (the macOS runners): the machine of the executable (lipo), that
# nothing but the system's libraries is linked (otool: libjpeg-turbo, lcms2
# and libwebp are static, HEIC and AVIF libheif's, static, or WebAssembly),
# the ad-hoc signature (codesign), and `--version` (naming them) when the
# executable runs on this machine. On Linux the checks that need a Mac say
# they were skipped. Which HEIC and AVIF codecs the app has is read from
# the build tags (packaging/lib/tags.sh; DARWIN_TAGS, as the workflow sets
# it).
set -euo pipefail

app=${1:?usage: check-app.sh APP VERSION ID ARCH} version=${2:?} id=${3:?} arch=${4:?}
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "check-app: FAIL: $*" >&2; exit 1; }
# shellcheck source=packaging/lib/tags.sh
. "$here/../lib/tags.sh"
if [[ ",$darwin_tags," == *,picpool_static_heif,* ]]; then
	heif_libs=(libheif libde265 dav1d aom)
	heif_version=("HEIC codec (read): libheif 1.15.1 with libde265" "AVIF codec: libheif 1.15.1 with dav1d")
else
	heif_libs=(github.com/gen2brain/heic github.com/gen2brain/avif github.com/tetratelabs/wazero)
	heif_version=("HEIC codec (read): libheif 1.18.2 with libde265 1.0.15 (WebAssembly" "AVIF codec: libavif 1.1.1 with libaom 3.10.0 (WebAssembly")
fi
echo "HEIC and AVIF: ${heif_libs[*]} (tags $darwin_tags)"

python3 "$here/info-plist.py" check "$app" "$version" "$id" || fail "Info.plist"
exe=$app/Contents/MacOS/$(python3 -c 'import plistlib, sys; print(plistlib.load(open(sys.argv[1], "rb"))["CFBundleExecutable"])' "$app/Contents/Info.plist")
lic=$app/Contents/Resources/THIRD-PARTY-LICENSES.txt
[ -s "$lic" ] || fail "no Resources/THIRD-PARTY-LICENSES.txt"
for c in libjpeg-turbo lcms2 libwebp "${heif_libs[@]}"; do
	grep -q "^    $c" "$lic" || fail "THIRD-PARTY-LICENSES.txt does not list $c"
done
grep -q 'GNU LESSER GENERAL PUBLIC LICENSE' "$lic" || fail "THIRD-PARTY-LICENSES.txt lacks the LGPL (libheif, libde265)"
echo "licences: Resources/THIRD-PARTY-LICENSES.txt ($(grep -c '^    [^ ]' "$lic") components)"

machine=$arch
[ "$arch" = amd64 ] && machine=x86_64
if command -v lipo >/dev/null; then
	archs=$(lipo -archs "$exe")
	[[ " $archs " == *" $machine "* ]] || fail "$exe is for $archs, want $machine"
	echo "executable: $archs"
	libs=$(otool -L "$exe" | tail -n +2 | awk '{ print $1 }')
	other=$(printf '%s\n' "$libs" | grep -v -e '^/usr/lib/' -e '^/System/Library/' || true)
	[ -z "$other" ] || fail "$exe links libraries a Mac does not have: $other"
	echo "links only system libraries ($(printf '%s\n' "$libs" | wc -l | tr -d ' '))"
else
	echo "lipo, otool: not on this machine (skipped)"
fi
if command -v codesign >/dev/null; then
	codesign --verify --deep --strict "$app" || fail "codesign --verify"
	sig=$(codesign -dv "$app" 2>&1 | sed -n 's/^Signature=//p')
	[ "$sig" = adhoc ] || fail "signature '$sig', want adhoc"
	echo "signature: ad-hoc, verified"
else
	echo "codesign: not on this machine (skipped)"
fi
if [ "$(uname -s)" = Darwin ] && [ "$(uname -m)" = "$machine" ]; then
	out=$("$exe" --version)
	echo "--version: $(printf '%s' "$out" | paste -sd '|' - | sed 's/|/ | /g')"
	[ "$(printf '%s\n' "$out" | head -n 1)" = "picpool $version" ] || fail "--version printed '$out'"
	for want in "JPEG codec: libjpeg-turbo" "colour: lcms2 2." "${heif_version[@]}" "WebP codec: libwebp 1."; do
		case $out in *"$want"*) ;; *) fail "--version does not say '$want'" ;; esac
	done
else
	echo "--version: not a $machine Mac (skipped)"
fi
echo "check-app: OK"

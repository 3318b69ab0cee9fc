#!/usr/bin/env bash
# Checks PicPool.app as built by `packaging/package.sh darwin`:
#   packaging/macos/check-app.sh APP VERSION ID ARCH
# Info.plist (info-plist.py check), the licences of the libraries linked in,
# and, with Apple's tools when present (the macOS runners): the machine of
# the executable (lipo), that nothing but the system's libraries is linked
# (otool: libjpeg-turbo and lcms2 are static), the ad-hoc signature
# (codesign), and `--version` when the executable runs on this machine. On
# Linux the checks that need a Mac say they were skipped.
set -euo pipefail

app=${1:?usage: check-app.sh APP VERSION ID ARCH} version=${2:?} id=${3:?} arch=${4:?}
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "check-app: FAIL: $*" >&2; exit 1; }

python3 "$here/info-plist.py" check "$app" "$version" "$id" || fail "Info.plist"
exe=$app/Contents/MacOS/$(python3 -c 'import plistlib, sys; print(plistlib.load(open(sys.argv[1], "rb"))["CFBundleExecutable"])' "$app/Contents/Info.plist")
for l in libjpeg-turbo/LICENSE.md lcms2/COPYING; do
	[ -s "$app/Contents/Resources/licenses/$l" ] || fail "no Resources/licenses/$l"
done
echo "licences: $(cd "$app/Contents/Resources/licenses" && echo *)"

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
	case $out in *"JPEG codec: libjpeg-turbo"*) ;; *) fail "--version: libjpeg-turbo is not linked in" ;; esac
else
	echo "--version: not a $machine Mac (skipped)"
fi
echo "check-app: OK"

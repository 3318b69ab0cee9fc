#!/usr/bin/env bash
# The Windows installer on a real Windows (the release workflow's Windows
# runner, Git Bash): silent install, the files, shortcuts and registry keys,
# picpool.exe --version (lcms2 and the codecs), a batch of the shared photos
# as JPEG and as WebP, an AVIF written and read back, silent uninstall
# leaving nothing. packaging/windows-check.sh does the same and more under
# Wine; this one shows it on Windows itself.
#   packaging/windows/check-native.sh SETUP.exe VERSION PHOTOS
set -euo pipefail

setup=${1:?usage: check-native.sh SETUP.exe VERSION PHOTOS} version=${2:?} photos=${3:?}
fail() { echo "check-native: FAIL: $*" >&2; exit 1; }
local_app=$(cygpath -u "$LOCALAPPDATA")
instdir=$local_app/Programs/PicPool
startmenu=$(cygpath -u "$APPDATA")/Microsoft/Windows/Start\ Menu/Programs
uninst='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\PicPool'
keys=('HKCU\Software\Classes\Directory\shell\OpenWithPicPool' 'HKCU\Software\Classes\Directory\Background\shell\OpenWithPicPool'
	'HKCU\Software\Classes\SystemFileAssociations\image\shell\OpenWithPicPool' 'HKCU\Software\Classes\PicPool.Image'
	'HKCU\Software\Classes\Applications\picpool.exe' 'HKCU\Software\Microsoft\Windows\CurrentVersion\App Paths\picpool.exe' "$uninst")

# Start /wait: the installer is a GUI program, the shell would not wait.
cmd //c start //wait "" "$(cygpath -w "$setup")" //S
for f in picpool.exe uninstall.exe; do [ -f "$instdir/$f" ] || fail "no $f in $instdir"; done
[ -f "$startmenu/PicPool.lnk" ] || fail "no Start menu entry"
for k in "${keys[@]}"; do reg query "$k" >/dev/null 2>&1 || fail "no registry key $k"; done
reg query "$uninst" //v DisplayVersion | grep -q "$version" || fail "$uninst: DisplayVersion is not $version"
echo "installed: $instdir, Start menu entry, ${#keys[@]} registry keys (Uninstall, Open with, App Paths)"

out=$("$instdir/picpool.exe" --version | tr -d '\r')
echo "picpool.exe --version: $out"
[ "$(printf '%s\n' "$out" | head -n 1)" = "picpool $version" ] || fail "--version printed '$out'"
for want in "JPEG codec: libjpeg-turbo" "colour: lcms2 2." "HEIC codec (read): libheif 1.15.1 with libde265 HEVC decoder, version 1.0.11 (cgo)" \
	"AVIF codec: libavif 1.1.1 with libaom 3.10.0 (WebAssembly" "WebP codec: libwebp 1."; do
	case $out in *"$want"*) ;; *) fail "--version does not say '$want'" ;; esac
done
[ -s "$instdir/THIRD-PARTY-LICENSES.txt" ] || fail "no THIRD-PARTY-LICENSES.txt in $instdir"
out_dir=$(mktemp -d)
"$instdir/picpool.exe" run -out "$(cygpath -w "$out_dir")" -filters resize=1200x0,sharpen=0.75 -format jpeg -quality 85 -quiet "$(cygpath -w "$photos")"
n=$(find "$out_dir" -name '*.jpg' | wc -l)
[ "$n" = 18 ] || fail "the batch wrote $n images, want 18"
echo "batch of the shared photos: $n JPEGs"
"$instdir/picpool.exe" run -out "$(cygpath -w "$out_dir/webp")" -filters resize=1200x0 -format webp -quality 80 -quiet "$(cygpath -w "$photos")"
n=$(find "$out_dir/webp" -name '*.webp' | wc -l)
[ "$n" = 18 ] || fail "the WebP batch wrote $n images, want 18"
"$instdir/picpool.exe" run -out "$(cygpath -w "$out_dir/avif")" -filters resize=600x0 -format avif -quiet "$(cygpath -w "$photos/Landscape_1.jpg")"
[ -s "$out_dir/avif/Landscape_1.avif" ] || fail "no AVIF written"
"$instdir/picpool.exe" run -out "$(cygpath -w "$out_dir/back")" -format jpeg -quiet "$(cygpath -w "$out_dir/avif/Landscape_1.avif")"
[ -s "$out_dir/back/Landscape_1.jpg" ] || fail "the AVIF it wrote did not read back"
echo "WebP: $n files; AVIF written and read back"

cmd //c start //wait "" "$(cygpath -w "$instdir/uninstall.exe")" //S
for _ in $(seq 30); do [ ! -e "$instdir" ] && break; sleep 1; done # it finishes from a copy in %TEMP%
[ ! -e "$instdir" ] || fail "the uninstaller left $instdir"
[ ! -e "$startmenu/PicPool.lnk" ] || fail "the uninstaller left the Start menu entry"
for k in "${keys[@]}"; do ! reg query "$k" >/dev/null 2>&1 || fail "the uninstaller left $k"; done
echo "uninstalled: no file, shortcut or registry key left"
echo "check-native: OK"

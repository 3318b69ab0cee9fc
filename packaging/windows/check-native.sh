#!/usr/bin/env bash
# The Windows installer on a real Windows (the release workflow's Windows
# runner, Git Bash): silent install, the files, shortcuts and registry keys,
# picpool.exe --version, a batch of the shared photos, silent uninstall
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
case $out in *"JPEG codec: libjpeg-turbo"*) ;; *) fail "libjpeg-turbo is not linked in" ;; esac
out_dir=$(mktemp -d)
"$instdir/picpool.exe" run -out "$(cygpath -w "$out_dir")" -filters resize=1200x0,sharpen=0.75 -format jpeg -quality 85 -quiet "$(cygpath -w "$photos")"
n=$(find "$out_dir" -name '*.jpg' | wc -l)
[ "$n" = 18 ] || fail "the batch wrote $n images, want 18"
echo "batch of the shared photos: $n JPEGs"

cmd //c start //wait "" "$(cygpath -w "$instdir/uninstall.exe")" //S
for _ in $(seq 30); do [ ! -e "$instdir" ] && break; sleep 1; done # it finishes from a copy in %TEMP%
[ ! -e "$instdir" ] || fail "the uninstaller left $instdir"
[ ! -e "$startmenu/PicPool.lnk" ] || fail "the uninstaller left the Start menu entry"
for k in "${keys[@]}"; do ! reg query "$k" >/dev/null 2>&1 || fail "the uninstaller left $k"; done
echo "uninstalled: no file, shortcut or registry key left"
echo "check-native: OK"

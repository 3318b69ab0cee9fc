#!/usr/bin/env bash
# Checks the Windows installer under Wine, as a user's Windows would run it:
#  1. a silent install (setup.exe /S /DESKTOP) into a fresh Wine prefix:
#     the files, the Start menu and desktop shortcuts, the registry keys
#     (Uninstall entry, "Open with PicPool" for images and folders, App
#     Paths), all in the user's profile and HKCU, nothing in HKLM;
#  2. the installed picpool.exe --version (libjpeg-turbo, lcms2, libwebp
#     and libheif with libde265, dav1d and aom linked in: HEIC and AVIF);
#  3. a command-line batch of ../shared/testdata/photos by the installed
#     .exe and by the Linux build: the same files, the same sizes, and
#     pixels within MAXDIFF levels (PSNR and the largest difference printed);
#     then the new formats (packaging/lib/formats.sh: HEIC and AVIF in, WebP
#     and AVIF out, an Adobe RGB JPEG out as sRGB), checked with Debian's
#     tools and compared with the Linux build's outputs (the same files and
#     sizes, pixels near-identical: the tarball links the same libraries
#     as the .exe; the .deb's HEIC, from Debian's libheif, compared too);
#  4. the window under Xvfb, opened on the photos' folder (as "Open with
#     PicPool" starts it), with a non-blank screenshot
#     (build/package-windows-window.png);
#  5. a silent uninstall (uninstall.exe /S) that leaves nothing: no file,
#     no shortcut, no registry key or value naming PicPool, and the same
#     registry keys and files as before the install.
# Needs: wine wine64 gcc-mingw-w64-x86-64-posix xvfb xauth xdotool x11-utils
# imagemagick, what packaging/lib/formats.sh needs, and build/dist/ (make package).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' FyneApp.toml | head -n 1)
setup=$root/build/dist/PicPool-$version-windows-amd64-setup.exe
exe=$root/build/dist/PicPool-$version-windows-amd64.exe
tarball=$root/build/dist/PicPool-$version-linux-$(go env GOARCH).tar.xz
deb=$root/build/dist/picpool_${version}_$(dpkg --print-architecture).deb
photos=$(cd "$root/../shared/testdata/photos" && pwd)
filters=${FILTERS:-resize=1200x0,sharpen=0.75}
maxdiff=${MAXDIFF:-2}
work=$root/build/package-check/windows
for f in "$setup" "$exe" "$tarball" "$deb"; do
	[ -f "$f" ] || { echo "windows-check: $f is missing: run make package" >&2; exit 1; }
done

app_pid='' xvfb_pid=''
cleanup() {
	[ -z "$app_pid" ] || kill "$app_pid" 2>/dev/null || true
	[ -z "${WINEPREFIX:-}" ] || wineserver -k 2>/dev/null || true
	[ -z "$xvfb_pid" ] || kill "$xvfb_pid" 2>/dev/null || true
	wait 2>/dev/null || true
}
trap cleanup EXIT
fail() { echo "windows-check: FAIL: $*" >&2; exit 1; }
# shellcheck source=packaging/lib/xvfb.sh
. "$root/packaging/lib/xvfb.sh"
# shellcheck source=packaging/lib/wine.sh
. "$root/packaging/lib/wine.sh"
# shellcheck source=packaging/lib/formats.sh
. "$root/packaging/lib/formats.sh"

rm -rf "$work" && mkdir -p "$work"
wine_prefix "$work"
c=$WINEPREFIX/drive_c
user=$(basename "$(find "$c/users" -mindepth 1 -maxdepth 1 -type d ! -name Public | head -n 1)")
profile=$c/users/$user
instdir=$profile/AppData/Local/Programs/PicPool
startmenu=$profile/AppData/Roaming/Microsoft/Windows/Start\ Menu/Programs

# What the prefix holds before: every file, and every key of HKCU (the
# lines in [brackets] of Wine's user.reg, without their timestamps; HKLM,
# system.reg, also changes by itself, and must not name PicPool at all).
# HKCU\Software\Classes, which every Windows has, is made by the first
# program that writes there in a fresh Wine prefix: it stays.
snapshot() { # name
	(cd "$c" && find . -path ./windows/temp -prune -o -path "./users/$user/Temp" -prune -o -print | sort) >"$work/files-$1"
	sed -n 's/^\(\[.*\]\).*/\1/p' "$WINEPREFIX/user.reg" | grep -vx '\[Software\\\\Classes\]' | sort >"$work/keys-$1"
}
snapshot before
regq() { wine reg query "$@" 2>/dev/null | tr -d '\r'; }

# 1. Install.
wine "$setup" /S /DESKTOP
wineserver -w
echo "installed silently into ${instdir#"$WINEPREFIX/"}:"
(cd "$instdir" && find . -type f -printf '  %P %s bytes\n' | sort)
cmp -s "$instdir/picpool.exe" "$exe" || fail "the installed picpool.exe is not $exe"
for f in uninstall.exe THIRD-PARTY-LICENSES.txt; do
	[ -f "$instdir/$f" ] || fail "the installer did not install $f"
done
for lib in libjpeg-turbo lcms2 libwebp libheif libde265 dav1d aom; do
	grep -q "^    $lib" "$instdir/THIRD-PARTY-LICENSES.txt" || fail "THIRD-PARTY-LICENSES.txt does not list $lib"
done
[ -f "$startmenu/PicPool.lnk" ] || fail "no Start menu entry (PicPool.lnk)"
[ -f "$profile/Desktop/PicPool.lnk" ] || fail "/DESKTOP made no desktop shortcut"
echo "shortcuts: Start menu/Programs/PicPool.lnk, Desktop/PicPool.lnk"
u='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\PicPool'
out=$(regq "$u")
for v in "DisplayName REG_SZ PicPool" "DisplayVersion REG_SZ $version" "UninstallString REG_SZ" \
	"QuietUninstallString REG_SZ" "EstimatedSize REG_DWORD" "DisplayIcon REG_SZ" "InstallLocation REG_SZ"; do
	printf '%s\n' "$out" | awk '{ $1 = $1; print }' | grep -q "^$v" || fail "$u lacks $v: $out"
done
echo "uninstall entry: $(printf '%s\n' "$out" | awk '{ $1 = $1 } /Display|Quiet/ { printf "%s; ", $0 }')"
cls='HKCU\Software\Classes'
for k in 'Directory\shell\OpenWithPicPool\command' 'Directory\Background\shell\OpenWithPicPool\command' \
	'SystemFileAssociations\image\shell\OpenWithPicPool\command' 'PicPool.Image\shell\open\command' \
	'Applications\picpool.exe\shell\open\command'; do
	regq "$cls\\$k" /ve | grep -qi 'picpool.exe" "%[1V]"' || fail "no command under $cls\\$k: $(regq "$cls\\$k" /ve)"
done
for ext in .jpg .png .tiff .webp .heic .heif .hif .avif; do
	regq "$cls\\$ext\\OpenWithProgids" /v PicPool.Image >/dev/null || fail "PicPool is not in the Open with list of $ext"
done
regq 'HKCU\Software\Microsoft\Windows\CurrentVersion\App Paths\picpool.exe' /ve | grep -qi 'picpool.exe' || fail "no App Paths entry"
echo "registry: Uninstall entry, Open with PicPool on images (SystemFileAssociations\\image, OpenWithProgids) and folders, App Paths"
if grep -qi picpool "$WINEPREFIX/system.reg"; then fail "the per-user install wrote to HKLM: $(grep -i picpool "$WINEPREFIX/system.reg")"; fi
wrote=$(find "$c" -newer "$work/keys-before" -type f ! -path "$profile/*" ! -path "$c/windows/temp/*" | grep -i picpool || true)
[ -z "$wrote" ] || fail "the per-user install wrote outside the user's profile: $wrote"
echo "per-user: nothing in HKLM, no PicPool file outside the user's profile"

# 2. The command line.
got=$(wine "$instdir/picpool.exe" --version 2>&1 | tr -d '\r') || fail "picpool.exe --version failed: $got"
[ "$(printf '%s\n' "$got" | head -n 1)" = "picpool $version" ] || fail "picpool.exe --version printed '$got'"
for want in "JPEG codec: libjpeg-turbo" "colour: lcms2 2." "HEIC codec (read): libheif 1.15.1 with libde265 HEVC decoder, version 1.0.11 (cgo)" \
	"AVIF codec: libheif 1.15.1 with dav1d 1.0.0 to decode, aom 3.6.0 to encode (cgo)" "WebP codec: libwebp 1."; do
	case $got in *"$want"*) ;; *) fail "picpool.exe --version: '$got': want '$want'" ;; esac
done
echo "picpool.exe --version: $(printf '%s' "$got" | paste -sd '|' - | sed 's/|/ | /g')"

# 3. The same batch by the Windows and the Linux builds.
mkdir -p "$work/linux" "$work/out-linux" "$work/out-windows"
tar -xJf "$tarball" -C "$work/linux"
linux_bin=$(find "$work/linux" -path '*/bin/picpool' -type f)
args=(run -filters "$filters" -format jpeg -quality 85 -quiet)
"$linux_bin" "${args[@]}" -out "$work/out-linux" "$photos" >"$work/linux-run.log" 2>&1 || fail "Linux batch: $(cat "$work/linux-run.log")"
wine "$instdir/picpool.exe" "${args[@]}" -out "$(winpath "$work/out-windows")" "$(winpath "$photos")" >"$work/windows-run.log" 2>&1 ||
	fail "Windows batch: $(tr -d '\r' <"$work/windows-run.log")"
(cd "$work/out-linux" && find . -type f -name "*.jpg" | sort) >"$work/list-linux"
(cd "$work/out-windows" && find . -type f -name "*.jpg" | sort) >"$work/list-windows"
n=$(wc -l <"$work/list-linux")
[ "$n" -ge 18 ] || fail "the Linux batch wrote $n files, want 18"
diff -u "$work/list-linux" "$work/list-windows" >&2 || fail "the two builds wrote different files"
same=0 worst=0 minpsnr=inf
while read -r f; do
	a=$work/out-linux/$f b=$work/out-windows/$f
	[ "$(identify -format '%wx%h' "$a")" = "$(identify -format '%wx%h' "$b")" ] || fail "$f: $(identify -format '%wx%h' "$a") on Linux, $(identify -format '%wx%h' "$b") on Windows"
	if cmp -s "$a" "$b"; then same=$((same + 1)); continue; fi
	d=$(convert "$a" "$b" -compose difference -composite -format '%[fx:round(maxima*255)]' info:)
	p=$(compare -metric PSNR "$a" "$b" null: 2>&1 || true)
	[ "$d" -gt "$worst" ] && worst=$d
	awk -v p="$p" -v m="$minpsnr" 'BEGIN { exit !(m == "inf" || p + 0 < m + 0) }' && minpsnr=$p
	[ "$d" -le "$maxdiff" ] || fail "$f: pixels differ by up to $d levels (PSNR $p dB), more than $maxdiff"
done <"$work/list-linux"
if [ "$same" = "$n" ]; then
	echo "batch ($filters, JPEG q85) of $n photos: the same files and sizes, all $n byte for byte identical to the Linux build's"
else
	echo "batch ($filters, JPEG q85) of $n photos: the same files and sizes; $same of $n byte for byte identical, the others within $worst levels (lowest PSNR $minpsnr dB)"
fi

# The new formats and colour management, by both builds.
pp_linux() { local o=$1 i=$2; shift 2; "$linux_bin" run -quiet "$@" -out "$o" "$i"; }
pp_windows() { local o=$1 i=$2; shift 2; wine "$instdir/picpool.exe" run -quiet "$@" -out "$(winpath "$o")" "$(winpath "$i")"; }
formats_inputs "$work/fmt"
formats_run pp_linux "$work/fmt" "$work/fmt-linux"
formats_run pp_windows "$work/fmt" "$work/fmt-windows"
formats_check "$work/fmt" "$work/fmt-windows"
formats_compare "$work/fmt-linux" "$work/fmt-windows" "Linux (the tarball)" Windows
# The .deb's HEIC (Debian's libheif1 1.15.1, which converts YCbCr to RGB
# itself) beside the Windows app's (the same libheif, PicPool converting).
rm -rf "$work/deb" && dpkg-deb -x "$deb" "$work/deb"
"$work/deb/usr/bin/picpool" run -quiet -format jpeg -quality 95 -out "$work/fmt-deb" "$work/fmt/dec/heic-photo.heic" >"$work/deb-run.log" 2>&1 ||
	fail "the .deb's HEIC to JPEG: $(cat "$work/deb-run.log")"
to_png "$work/fmt-deb/heic-photo.jpg" "$work/fmt-deb/heic-photo.png"
to_png "$work/fmt-windows/dec/heic-photo.jpg" "$work/fmt-deb/heic-photo-windows.png"
p=$(psnr "$work/fmt-deb/heic-photo.png" "$work/fmt-deb/heic-photo-windows.png")
at_least "$p" 45 || fail "HEIC to JPEG: PSNR $p dB between the .deb's and the Windows app's, want at least 45"
echo "HEIC to JPEG: $p dB PSNR from the .deb's"

# 4. The window, given the photos' folder as "Open with PicPool" does.
start_xvfb "$work"
wine "$instdir/picpool.exe" "$(winpath "$photos")" >"$work/app.log" 2>&1 &
app_pid=$!
wid=$(wait_window "$app_pid" "$work/app.log" 60)
sleep 4
screenshot "$wid" package-windows
kill "$app_pid" 2>/dev/null || true
wineserver -k
wait "$app_pid" 2>/dev/null || true
app_pid=''

# 5. Uninstall.
wine "$instdir/uninstall.exe" /S
wineserver -w
[ ! -e "$instdir" ] || fail "the uninstaller left $(cd "$instdir" && find . | tr '\n' ' ')"
[ ! -e "$startmenu/PicPool.lnk" ] || fail "the uninstaller left the Start menu entry"
[ ! -e "$profile/Desktop/PicPool.lnk" ] || fail "the uninstaller left the desktop shortcut"
left=$(grep -i picpool "$WINEPREFIX/user.reg" "$WINEPREFIX/system.reg" || true)
[ -z "$left" ] || fail "the uninstaller left registry entries: $left"
snapshot after
diff -u "$work/keys-before" "$work/keys-after" >&2 || fail "registry keys differ from before the install"
# Files: the same as before, but for what running the app itself wrote
# into the profile (its settings: Fyne's preferences under AppData\Roaming\fyne).
grep -vi '/fyne' "$work/files-after" | diff -u "$work/files-before" - >&2 || fail "files differ from before the install"
left=$(cd "$c" && find . -iname '*picpool*' ! -path '*/fyne/*')
[ -z "$left" ] || fail "the uninstaller left $left"
echo "uninstalled silently: no file, shortcut or registry key left (the same keys and files as before the install)"
echo "windows-check: OK"

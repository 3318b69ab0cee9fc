#!/usr/bin/env bash
# Checks the .deb in a clean Debian 12 root, as `apt install` on a user's
# machine would get it:
#  1. a minimal Debian made by debootstrap (minbase, plus what every desktop
#     has and whose triggers a package relies on: desktop-file-utils,
#     shared-mime-info, hicolor-icon-theme, gtk-update-icon-cache), unpacked
#     fresh from a cached tarball (build/package-check/) for every run;
#  2. `apt-get install ./picpool_<version>_<arch>.deb` there (its Depends,
#     from dpkg-shlibdeps, must be enough: ldd finds every library);
#     picpool on the PATH, the .desktop entry, an icon at every hicolor size,
#     the MIME types in the desktop database;
#     its Depends name lcms2 and the codec libraries (liblcms2-2, libheif1,
#     libavif15, libwebp7);
#  3. picpool --version (lcms2, libjpeg-turbo, libheif, libavif, libwebp), a
#     batch of ../shared/testdata/photos in the root, and the new formats:
#     HEIC and AVIF in, WebP and AVIF out, an Adobe RGB JPEG out as sRGB
#     (packaging/lib/formats.sh: inputs made with Debian's heif-enc,
#     avifenc and jpgicc outside the root, outputs checked there with dwebp,
#     avifdec, heif-convert and exiftool);
#  4. the window, the root's picpool on the Xvfb outside it, with a
#     non-blank screenshot (build/package-deb-window.png);
#  5. `apt-get purge picpool`: none of its files, no "picpool" anywhere, no
#     trace in the desktop and icon caches; then `apt-get autoremove --purge`
#     brings the root back to the files it had before the install;
#  6. the tarball's program on the same clean Debian, with only the shared
#     libraries it links (dpkg-shlibdeps: no libheif, libavif, libwebp in
#     the root): --version and the new formats, checked as above.
# Runs as root (chroot, mount); only /proc is mounted into the root, and
# unmounted on exit before anything is deleted. DEBIAN_MIRROR picks the
# mirror. Needs: debootstrap xvfb xauth xdotool x11-utils imagemagick
# dpkg-dev, and what packaging/lib/formats.sh needs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' FyneApp.toml | head -n 1)
id=$(sed -n 's/^[[:space:]]*ID[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' FyneApp.toml | head -n 1)
deb=$root/build/dist/picpool_${version}_$(dpkg --print-architecture).deb
tarball=$root/build/dist/PicPool-$version-linux-$(dpkg --print-architecture).tar.xz
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
filters=${FILTERS:-resize=1200x0,sharpen=0.75}
work=$root/build/package-check/deb
base=$root/build/package-check/debian-bookworm-desktop-base.tar
r=$work/root
for f in "$deb" "$tarball"; do
	[ -f "$f" ] || { echo "deb-check: $f is missing: run make package-linux" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "deb-check: needs root (chroot)" >&2; exit 1; }

app_pid='' xvfb_pid=''
unmount() { if mountpoint -q "$r/proc" 2>/dev/null; then umount "$r/proc" || umount -l "$r/proc"; fi; }
cleanup() {
	[ -z "$app_pid" ] || kill "$app_pid" 2>/dev/null || true
	[ -z "$xvfb_pid" ] || kill "$xvfb_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	unmount
}
trap cleanup EXIT
fail() { echo "deb-check: FAIL: $*" >&2; exit 1; }
# shellcheck source=packaging/lib/xvfb.sh
. "$root/packaging/lib/xvfb.sh"
# shellcheck source=packaging/lib/formats.sh
. "$root/packaging/lib/formats.sh"
# shellcheck disable=SC2016 # dpkg-query's own ${fields}
packages() { in_root dpkg-query -W -f='${Package}\n' | wc -l; }
in_root() { chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
# Every path of the root but the kernel's, the temporary, the logs and
# apt's and dpkg's own state.
files() {
	(cd "$r" && find . -xdev \( -path ./proc -o -path ./tmp -o -path ./var/log -o -path ./var/cache \
		-o -path ./var/lib/apt -o -path ./var/lib/dpkg -o -path ./root \) -prune -o -print | sort)
}
remove_root() {
	unmount
	! mountpoint -q "$r/proc" 2>/dev/null || fail "$r/proc is still mounted"
	rm -rf --one-file-system "$r"
}

# 1. The clean root.
mkdir -p "$work"
if [ ! -f "$base" ]; then
	echo "deb-check: debootstrap of Debian 12 (minbase) from $mirror, once (cached in ${base#"$root/"})"
	remove_root
	debootstrap --variant=minbase --include=desktop-file-utils,shared-mime-info,hicolor-icon-theme,gtk-update-icon-cache \
		bookworm "$r" "$mirror" >"$work/debootstrap.log" 2>&1 || fail "debootstrap: $(tail -5 "$work/debootstrap.log")"
	tar -C "$r" -cf "$base.part" . && mv "$base.part" "$base"
fi
remove_root
mkdir -p "$r"
tar -C "$r" -xf "$base"
mount -t proc proc "$r/proc"
in_root apt-get update -qq >"$work/apt.log" 2>&1 || fail "apt-get update in the root: $(cat "$work/apt.log")"
files >"$work/files-before"
before=$(packages)
echo "a clean Debian 12 root ($before packages) in ${r#"$root/"}"

# 2. Install, as a user would.
cp "$deb" "$r/tmp/"
in_root apt-get install -y -q "/tmp/$(basename "$deb")" >>"$work/apt.log" 2>&1 || fail "apt-get install: $(tail -20 "$work/apt.log")"
echo "apt-get install ./$(basename "$deb"): installed with $(($(packages) - before - 1)) dependencies"
depends=$(dpkg-deb -f "$deb" Depends)
echo "  Depends: $depends"
for p in liblcms2-2 libheif1 libavif15 libwebp7; do
	[[ ", $depends," == *", $p "* ]] || fail "Depends does not name $p: $depends"
done
[ "$(in_root sh -c 'command -v picpool')" = /usr/bin/picpool ] || fail "picpool is not on the PATH"
if missing=$(in_root ldd /usr/bin/picpool | grep 'not found'); then fail "the Depends miss libraries: $missing"; fi
in_root dpkg -L picpool >"$work/dpkg-L"
grep -qx "/usr/share/applications/$id.desktop" "$work/dpkg-L" || fail "no /usr/share/applications/$id.desktop"
for n in 16 22 24 32 36 48 64 72 96 128 192 256 512; do
	f=/usr/share/icons/hicolor/${n}x$n/apps/$id.png
	[ "$(identify -format '%wx%h' "$r$f" 2>/dev/null)" = "${n}x$n" ] || fail "no ${n}x$n icon at $f"
done
echo "  /usr/bin/picpool, /usr/share/applications/$id.desktop, hicolor icons 16..512 px ($(grep -c 'hicolor/.*png' "$work/dpkg-L") sizes)"
for t in image/jpeg image/png image/tiff image/webp image/heic image/heif image/avif inode/directory; do
	grep -q "^$t=.*$id.desktop" "$r/usr/share/applications/mimeinfo.cache" || fail "$t is not associated with $id.desktop"
done
grep -q "$id" "$r/usr/share/icons/hicolor/icon-theme.cache" || fail "the hicolor icon cache does not hold $id"
echo "  MIME types in the desktop database (image/jpeg, png, tiff, webp, heic, heif, avif, folders), icon in the hicolor cache"

# 3. The command line, in the root.
got=$(in_root env LANG=en_US.UTF-8 picpool --version)
[ "$(printf '%s\n' "$got" | head -n 1)" = "picpool $version" ] || fail "picpool --version printed '$got'"
echo "picpool --version: $(printf '%s' "$got" | paste -sd '|' - | sed 's/|/ | /g')"
for want in "JPEG codec: libjpeg-turbo" "colour: lcms2 2." "HEIC codec (read): libheif 1." "AVIF codec: libavif 0." "WebP codec: libwebp 1."; do
	case $got in *"$want"*) ;; *) fail "picpool --version does not say '$want': Debian's libraries are not linked" ;; esac
done
case $got in *WebAssembly*) fail "picpool --version: the .deb runs a WebAssembly codec: $got" ;; esac
cp -r "$root/../shared/testdata/photos" "$r/tmp/photos"
in_root picpool run -out /tmp/out -filters "$filters" -format jpeg -quality 85 -quiet /tmp/photos >"$work/run.log" 2>&1 ||
	fail "the batch failed: $(cat "$work/run.log")"
n=$(find "$r/tmp/out" -name '*.jpg' | wc -l)
[ "$n" = 18 ] || fail "the batch wrote $n images, want 18"
echo "batch ($filters) of the 18 shared photos: 18 JPEGs, $(identify -format '%wx%h ' "$r/tmp/out/Landscape_1.jpg" "$r/tmp/out/Portrait_6.jpg")"
# The new formats: inputs made here, converted in the root, checked here.
# pp_root OUT IN ARGS... runs the root's picpool on paths under the root.
pp_root() { local o=${1#"$r"} i=${2#"$r"}; shift 2; in_root picpool run -quiet "$@" -out "$o" "$i"; }
formats_inputs "$r/tmp/fmt"
formats_run pp_root "$r/tmp/fmt" "$r/tmp/fmt-out"
formats_check "$r/tmp/fmt" "$r/tmp/fmt-out"

# 4. The window: the root's program on the Xvfb outside the root.
start_xvfb "$work"
chroot "$r" env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 DISPLAY="$DISPLAY" LIBGL_ALWAYS_SOFTWARE=1 \
	picpool /tmp/photos >"$work/app.log" 2>&1 &
app_pid=$!
wid=$(wait_window "$app_pid" "$work/app.log")
sleep 4
screenshot "$wid" package-deb
kill "$app_pid" 2>/dev/null || true
wait "$app_pid" 2>/dev/null || true
app_pid=''

# 5. Remove it.
in_root apt-get purge -y -q picpool >>"$work/apt.log" 2>&1 || fail "apt-get purge: $(tail -20 "$work/apt.log")"
while read -r f; do
	[ -d "$r$f" ] || [ ! -e "$r$f" ] || fail "apt-get purge left $f"
done <"$work/dpkg-L"
left=$(cd "$r" && find . -xdev -path ./proc -prune -o -path ./tmp -prune -o -path ./var/log -prune -o -path ./root -prune -o -iname '*picpool*' -print)
[ -z "$left" ] || fail "after apt-get purge: $left"
! grep -qs "$id" "$r/usr/share/applications/mimeinfo.cache" "$r/usr/share/icons/hicolor/icon-theme.cache" ||
	fail "the desktop or icon cache still names $id after the purge"
in_root apt-get autoremove --purge -y -q >>"$work/apt.log" 2>&1 || fail "apt-get autoremove: $(tail -20 "$work/apt.log")"
[ "$(packages)" = "$before" ] || fail "autoremove left $(($(packages) - before)) packages"
files >"$work/files-after"
diff -u "$work/files-before" "$work/files-after" >&2 || fail "the root's files differ from before the install"
echo "apt-get purge picpool: none of its files left, no 'picpool' anywhere, caches clean;"
echo "apt-get autoremove --purge: the root has the same packages and files as before the install"

# 6. The tarball's program on the same clean Debian: only the shared
# libraries it links (dpkg-shlibdeps, as deb.sh computes the .deb's
# Depends), none of the codec libraries.
mkdir -p "$work/tarball" "$r/opt/picpool"
tar -xJf "$tarball" -C "$work/tarball"
tbin=$(find "$work/tarball" -path '*/bin/picpool' -type f)
cp "$tbin" "$r/opt/picpool/picpool"
mkdir -p "$work/shlibs/debian"
printf 'Source: picpool\n\nPackage: picpool\nArchitecture: any\n' >"$work/shlibs/debian/control"
tdeps=$(cd "$work/shlibs" && dpkg-shlibdeps -O -e"$tbin" 2>"$work/shlibdeps.log" | sed -n 's/^shlibs:Depends=//p') ||
	fail "dpkg-shlibdeps on the tarball's program: $(cat "$work/shlibdeps.log")"
pkgs=$(printf '%s\n' "$tdeps" | tr ',' '\n' | sed 's/^ *//; s/ .*//; /^$/d' | paste -sd ' ' -)
# shellcheck disable=SC2086 # a list of package names
in_root apt-get install -y -q --no-install-recommends $pkgs >>"$work/apt.log" 2>&1 || fail "apt-get install $pkgs: $(tail -20 "$work/apt.log")"
# libwebp7 is in the clean root already (libtiff6 of gtk-update-icon-cache's
# gdk-pixbuf needs it): there the proof is that the program does not link it.
for p in libheif1 libavif15 libde265-0 libaom3 libdav1d6; do
	! in_root dpkg -s "$p" >/dev/null 2>&1 || fail "$p is installed in the root: the tarball's check would prove nothing"
done
if missing=$(in_root ldd /opt/picpool/picpool | grep 'not found'); then fail "the tarball's program misses libraries: $missing"; fi
if linked=$(in_root ldd /opt/picpool/picpool | grep -E 'lib(webp|sharpyuv|heif|avif|turbojpeg)'); then fail "the tarball's program links codec libraries: $linked"; fi
echo "the tarball's program, in the root with only what it links ($pkgs), no libheif, libavif (libwebp is there for libtiff; the program does not link it):"
got=$(in_root env LANG=en_US.UTF-8 /opt/picpool/picpool --version)
echo "  --version: $(printf '%s' "$got" | paste -sd '|' - | sed 's/|/ | /g')"
for want in "colour: lcms2 2." "HEIC codec (read): libheif 1.15.1 with libde265 HEVC decoder, version 1.0.11 (cgo)" "AVIF codec: libheif 1.15.1 with dav1d 1.0.0 to decode, aom 3.6.0 to encode (cgo)" "WebP codec: libwebp 1."; do
	case $got in *"$want"*) ;; *) fail "the tarball's --version does not say '$want'" ;; esac
done
pp_tarball() { local o=${1#"$r"} i=${2#"$r"}; shift 2; in_root /opt/picpool/picpool run -quiet "$@" -out "$o" "$i"; }
formats_run pp_tarball "$r/tmp/fmt" "$r/tmp/fmt-tarball"
formats_check "$r/tmp/fmt" "$r/tmp/fmt-tarball"
echo "deb-check: OK"

#!/usr/bin/env bash
# Installs the Linux package (build/dist/PicPool-<version>-linux-<arch>.tar.xz)
# with its own Makefile into a temporary prefix, checks what it installed
# (the licences too), that the program links none of the codec libraries
# (libheif, libavif, libwebp: it runs where they are missing), that
# `picpool --version` prints FyneApp.toml's version and names lcms2 and the
# codecs, converts one file of each new format (packaging/lib/formats.sh:
# HEIC and AVIF in, WebP and AVIF out, an Adobe RGB JPEG out as sRGB), then
# starts the installed app under Xvfb (no window manager), waits for its
# window and takes screenshots into build/:
#   build/package-linux-window.png  the window
#   build/package-linux-screen.png  the whole screen
# It fails if the window does not appear, or if the screenshot is blank.
# Needs: xz-utils make xvfb xauth xdotool x11-utils imagemagick libgl1-mesa-dri,
# and what packaging/lib/formats.sh needs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' FyneApp.toml | head -n 1)
id=$(sed -n 's/^[[:space:]]*ID[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' FyneApp.toml | head -n 1)
tarball=build/dist/PicPool-$version-linux-$(go env GOARCH).tar.xz
[ -f "$tarball" ] || { echo "linux-install-test: $tarball is missing: run make package-linux" >&2; exit 1; }

tmp=$(mktemp -d)
app_pid='' xvfb_pid=''
cleanup() {
	# Only the processes started here, by their ids.
	[ -z "$app_pid" ] || kill "$app_pid" 2>/dev/null || true
	[ -z "$xvfb_pid" ] || kill "$xvfb_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "linux-install-test: FAIL: $*" >&2; exit 1; }
# shellcheck source=packaging/lib/xvfb.sh
. "$root/packaging/lib/xvfb.sh"
# shellcheck source=packaging/lib/formats.sh
. "$root/packaging/lib/formats.sh"

# 1. Install with the package's Makefile, as a user would (PREFIX instead of /usr/local).
mkdir -p "$tmp/src" "$tmp/prefix" "$tmp/home"
tar -xJf "$tarball" -C "$tmp/src"
make -s -C "$tmp/src/picpool" install PREFIX="$tmp/prefix"
prefix=$tmp/prefix
for f in bin/picpool "share/applications/$id.desktop" "share/pixmaps/$id.png" share/doc/picpool/THIRD-PARTY-LICENSES; do
	[ -f "$prefix/$f" ] || fail "make install did not install $f"
done
[ -x "$prefix/bin/picpool" ] || fail "bin/picpool is not executable"
echo "installed into a temporary prefix:"
(cd "$prefix" && find . -type f -printf '  %P %s bytes\n' | sort)
if missing=$(ldd "$prefix/bin/picpool" | grep 'not found'); then
	fail "libraries missing for bin/picpool: $missing"
fi
if codecs=$(ldd "$prefix/bin/picpool" | grep -E 'lib(heif|avif|webp|de265|aom|dav1d|x265|turbojpeg)'); then
	fail "bin/picpool needs codec libraries a Linux may not have: $codecs"
fi
echo "links: $(ldd "$prefix/bin/picpool" | awk '$1 !~ /^(linux-vdso|\/)/ { print $1 }' | paste -sd ' ' -) (no libheif, libavif, libwebp, libturbojpeg)"

# 2. The command line, from the installed binary.
export LANG=C.UTF-8 HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_DATA_HOME=$tmp/home/.local/share
got=$("$prefix/bin/picpool" --version)
[ "$(printf '%s\n' "$got" | head -n 1)" = "picpool $version" ] || fail "picpool --version printed '$got', want 'picpool $version' first"
# libjpeg-turbo, libwebp and libheif (HEIC, and AVIF with dav1d and aom)
# linked in, lcms2: not this machine's libheif or libavif.
for want in "JPEG codec: libjpeg-turbo" "colour: lcms2 2." "HEIC codec (read): libheif 1.15.1 with libde265 HEVC decoder, version 1.0.11 (cgo)" \
	"AVIF codec: libheif 1.15.1 with dav1d 1.0.0 to decode, aom 3.6.0 to encode (cgo)" "WebP codec: libwebp 1."; do
	case $got in *"$want"*) ;; *) fail "picpool --version printed '$got': want '$want'" ;; esac
done
echo "picpool --version: $got"
for lib in libheif libde265 dav1d aom; do
	grep -q "^    $lib" "$prefix/share/doc/picpool/THIRD-PARTY-LICENSES" || fail "THIRD-PARTY-LICENSES does not list $lib"
done

# The new formats and colour management, by the installed program.
pp() { local o=$1 i=$2; shift 2; "$prefix/bin/picpool" run -quiet "$@" -out "$o" "$i"; }
formats_inputs "$tmp/fmt"
formats_run pp "$tmp/fmt" "$tmp/fmt-out"
formats_check "$tmp/fmt" "$tmp/fmt-out"

# 3. The window, under Xvfb.
start_xvfb "$tmp"
LIBGL_ALWAYS_SOFTWARE=1 "$prefix/bin/picpool" >"$tmp/app.log" 2>&1 &
app_pid=$!
wid=$(wait_window "$app_pid" "$tmp/app.log")
sleep 4 # let it draw its first frames

# The window's icon (_NET_WM_ICON) comes from the app's metadata: Icon.png.
# xprop lists the property but cannot print 4 MB of it: its size is read
# with Xlib through Python's ctypes.
xprop -id "$wid" | grep -q '^_NET_WM_ICON(CARDINAL)' || fail "the window has no icon (_NET_WM_ICON)"
if command -v python3 >/dev/null; then
	size=$(python3 - "$wid" <<'PY'
import ctypes, sys
x = ctypes.cdll.LoadLibrary("libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x.XGetWindowProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long,
    ctypes.c_int, ctypes.c_ulong] + [ctypes.c_void_p] * 5
d = x.XOpenDisplay(None)
typ, fmt, n, after, data = ctypes.c_ulong(), ctypes.c_int(), ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
x.XGetWindowProperty(d, int(sys.argv[1]), x.XInternAtom(d, b"_NET_WM_ICON", 1), 0, 2, 0, 0, ctypes.byref(typ),
    ctypes.byref(fmt), ctypes.byref(n), ctypes.byref(after), ctypes.byref(data))
v = ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))
print("%dx%d" % (v[0], v[1]) if n.value == 2 else "none")
PY
)
	echo "window icon: $size"
	case $size in none | 0x* | *x0) fail "the window's icon is empty" ;; esac
fi
xprop -id "$wid" WM_CLASS

screenshot "$wid" package-linux
kill -0 "$app_pid" 2>/dev/null || fail "picpool exited while shown: $(cat "$tmp/app.log")"
echo "linux-install-test: OK"

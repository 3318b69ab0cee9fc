# shellcheck shell=bash
# Sourced by the Wine checks (packaging/windows-check.sh, scripts/bench-wine.sh):
# a throw-away 64-bit Wine prefix that runs PicPool's Windows build. Callers
# set -euo pipefail and define fail MESSAGE. Needs: wine wine64
# gcc-mingw-w64-x86-64-posix (for the shim below).

# wine_prefix DIR makes a fresh prefix in DIR/prefix with its own HOME in
# DIR/home (Wine links the Windows desktop and documents folders into
# HOME), and exports WINEPREFIX, WINEDEBUG, WINEDLLOVERRIDES and HOME for
# the wine commands that follow. winemenubuilder is off: it would turn the
# installer's shortcuts into menu entries of the machine's desktop; so are
# the Mono and Gecko installers, which the first start would ask for.
wine_prefix() {
	local dir=${1:?} shim packaging
	packaging=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	rm -rf "${dir:?}/prefix" "${dir:?}/home"
	mkdir -p "$dir/home/Desktop" # Wine links the Windows desktop here
	export WINEPREFIX=$dir/prefix WINEARCH=win64 WINEDEBUG=-all HOME=$dir/home \
		XDG_CONFIG_HOME=$dir/home/.config XDG_DATA_HOME=$dir/home/.local/share \
		WINEDLLOVERRIDES='winemenubuilder.exe=d;mscoree=d;mshtml=d'
	wineboot --init >"$dir/wineboot.log" 2>&1 || fail "wineboot: $(cat "$dir/wineboot.log")"
	wineserver -w
	# Wine 8 has no bcryptprimitives.dll, whose ProcessPrng Go's runtime
	# calls: a shim built from packaging/windows/bcryptprimitives.c.
	shim=$dir/bcryptprimitives.dll
	x86_64-w64-mingw32-gcc -O2 -shared -o "$shim" "$packaging/windows/bcryptprimitives.c" -ladvapi32 ||
		fail "cannot build the bcryptprimitives.dll shim"
	cp "$shim" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
	echo "Wine prefix $WINEPREFIX ($(wine --version)), with the bcryptprimitives.dll shim"
}

# winpath PATH prints PATH as Windows programs under Wine see it (Z:\...).
# Wine maps Z: to /: a Unix path's Windows name is computed here rather than
# asked of winepath, which now and then prints nothing while wineserver is busy.
winpath() { local p; p=$(realpath -m "$1") && printf 'Z:%s\n' "${p//\//\\}"; }

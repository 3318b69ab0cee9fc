#!/usr/bin/env bash
# The real window under Xvfb: open PicPool on the shared photos, check that it
# shows (screenshot, not blank), that the 18 photos were loaded, that a real
# XDND drag of a folder adds inputs, and take a screenshot in the middle of a
# batch for the README.
#
#   bash scripts/window-test.sh        (from anywhere; needs build/picpool,
#                                       built here with `go build` if missing)
#
# Writes build/window.png, build/window-after-drop.png, build/window-batch.png
# and the app's stderr in build/window.log and build/window-batch.log.
#
# The batch screenshot uses two hidden variables of the app: PICPOOL_AUTOSTART=1
# presses Start as soon as the inputs are loaded, with the output folder
# PICPOOL_OUT and the filter chain PICPOOL_CHAIN (command-line text form).
# Needs: Xvfb, xdotool, ImageMagick, Debian's /usr/bin/python3 with python3-gi
# and gir1.2-gtk-3.0 (see ../shared/tools/README.md).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
shared=$(cd "$root/../shared" 2>/dev/null && pwd) || { echo "window-test: ../shared (test images and tools) not found next to the repository" >&2; exit 1; }
photos=$shared/testdata/photos
dropdir=$shared/testdata/formats/go-image
xdnd=$shared/tools/xdnd-drag.py
bin=$root/build/picpool
log=$root/build/window.log

fail() { echo "window-test: FAIL: $*" >&2; exit 1; }
note() { echo "window-test: $*"; }

for tool in Xvfb xdotool import convert identify; do
	command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install xvfb xdotool imagemagick)"
done
[ -x /usr/bin/python3 ] || fail "/usr/bin/python3 is missing (apt-get install python3-gi gir1.2-gtk-3.0)"
/usr/bin/python3 -c 'import gi; gi.require_version("Gtk", "3.0"); from gi.repository import Gtk' 2>/dev/null ||
	fail "python3-gi with GTK 3 is missing (apt-get install python3-gi gir1.2-gtk-3.0)"
[ -d "$photos" ] && [ -d "$dropdir" ] && [ -f "$xdnd" ] || fail "missing $photos, $dropdir or $xdnd"
mkdir -p build
if [ ! -x "$bin" ]; then
	note "build/picpool missing: building it"
	go build -o "$bin" . || fail "go build failed"
fi

# Everything started here is stopped on exit.
pids=()
tmp=$(mktemp -d /tmp/picpool-window-test.XXXXXX)
cleanup() {
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		kill "${pids[$i]}" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# Xvfb picks a free display itself and writes its number to fd 3, so two
# runs at once (or other X servers on the machine) never collide.
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
pids+=("$xvfb")
for _ in $(seq 100); do
	[ -s "$tmp/display" ] && break
	kill -0 "$xvfb" 2>/dev/null || fail "Xvfb did not start: $(cat "$tmp/xvfb.log")"
	sleep 0.1
done
[ -s "$tmp/display" ] || fail "Xvfb did not report its display: $(cat "$tmp/xvfb.log")"
display=:$(head -n 1 "$tmp/display")
export DISPLAY=$display
xdotool getdisplaygeometry >/dev/null 2>&1 || fail "cannot reach Xvfb on $display: $(cat "$tmp/xvfb.log")"
note "Xvfb on $display"

# waitfor SECONDS WHAT COMMAND...: poll until COMMAND succeeds.
waitfor() {
	local secs=$1 what=$2
	shift 2
	local end=$((SECONDS + secs))
	until "$@"; do
		kill -0 "$xvfb" 2>/dev/null || fail "Xvfb on $display died while waiting for $what"
		[ "$SECONDS" -lt "$end" ] || fail "timed out after ${secs}s waiting for $what"
		sleep 0.2
	done
}

# start_app LOG ARGS...: runs the app with fresh preferences, logging stderr.
start_app() {
	applog=$1
	shift
	mkdir -p "$tmp/config"
	XDG_CONFIG_HOME=$tmp/config LANG=C.UTF-8 LIBGL_ALWAYS_SOFTWARE=1 "$bin" "$@" 2>"$applog" >/dev/null &
	app=$!
	pids+=("$app")
}

# xvfb_state: whether Xvfb still runs, and its log, for failure messages.
xvfb_state() {
	if kill -0 "$xvfb" 2>/dev/null; then echo "Xvfb on $display still runs"; else echo "Xvfb on $display has exited"; fi
	tail -n 5 "$tmp/xvfb.log"
}

# window_up: the app runs (else fail with its log) and its window is mapped.
window_up() {
	kill -0 "$app" 2>/dev/null || fail "the app exited: $(grep -v '^\s' "$applog" | tail -n 20); $(xvfb_state)"
	xdotool search --onlyvisible --name '^PicPool' >/dev/null 2>&1
}

# window ID of the app, "" until it is mapped.
find_window() { xdotool search --onlyvisible --name '^PicPool' 2>/dev/null | head -n 1; }
has_window() { wid=$(find_window) && [ -n "$wid" ]; }
app_alive() { kill -0 "$app" 2>/dev/null || fail "the app exited: $(grep -v '^\s' "$1" | tail -n 20); $(xvfb_state)"; }

# check_png FILE: the right size and not blank.
check_png() {
	local f=$1 size sd
	[ -s "$f" ] || fail "no screenshot $f"
	size=$(identify -format '%w %h' "$f")
	read -r w h <<<"$size"
	[ "$w" -ge 1000 ] && [ "$h" -ge 700 ] || fail "$f is ${w}x${h}, expected about 1200x800"
	sd=$(convert "$f" -colorspace Gray -format '%[fx:standard_deviation]' info:)
	awk -v sd="$sd" 'BEGIN { exit !(sd > 0.03) }' || fail "$f looks blank (standard deviation $sd)"
	note "$f: ${w}x${h}, standard deviation $sd"
}

# inputs_logged: the last "inputs: N files" count in the log.
inputs_logged() { grep -o 'inputs: [0-9]* files\?' "$1" | tail -n 1 | grep -o '[0-9]*' || echo 0; }

# ---- 1. open on the photos ----
rm -f build/window.png build/window-after-drop.png build/window-batch.png
start_app "$log" "$photos"
waitfor 60 "the PicPool window" window_up
has_window || fail "no window"
note "window $wid: $(xdotool getwindowgeometry "$wid" | tr '\n' ' ')"
waitfor 30 "18 inputs in the log" bash -c "grep -q 'inputs: 18 files' '$log'"
sleep 2 # headers, preview and first frames
app_alive "$log"
import -window "$wid" build/window.png
check_png build/window.png
if grep -q 'Error in Fyne call thread' "$log"; then fail "Fyne threading warnings in $log"; fi

# ---- 2. a real drag and drop of a folder ----
eval "$(xdotool getwindowgeometry --shell "$wid")" # X Y WIDTH HEIGHT
dropx=$((X + WIDTH / 2))
dropy=$((Y + HEIGHT / 3))
note "dragging $dropdir onto ($dropx, $dropy)"
/usr/bin/python3 "$xdnd" "$dropx" "$dropy" "$dropdir" >"$tmp/xdnd.log" 2>&1 || fail "xdnd-drag.py failed: $(cat "$tmp/xdnd.log")"
waitfor 30 "more inputs after the drop" bash -c "[ \$(grep -o 'inputs: [0-9]* files' '$log' | tail -n 1 | grep -o '[0-9]*') -gt 18 ]"
after=$(inputs_logged "$log")
note "inputs after the drop: $after (log: $(grep 'inputs:' "$log" | tail -n 1))"
sleep 2
app_alive "$log"
import -window "$wid" build/window-after-drop.png
check_png build/window-after-drop.png
kill "$app"
wait "$app" 2>/dev/null || true

# ---- 3. a batch in progress ----
out=$tmp/out
mkdir -p "$out"
# A truncated JPEG first, so that the failure list has something to show.
PICPOOL_AUTOSTART=1 PICPOOL_OUT=$out PICPOOL_CHAIN='resize=1600x0,sharpen=1.5,saturation=25' \
	start_app build/window-batch.log "$shared/testdata/hostile/trunc_50pct.jpg" "$photos"
waitfor 60 "the PicPool window" window_up
has_window || fail "no window"
waitfor 60 "the batch to start" bash -c "grep -q 'autostart:' build/window-batch.log"
waitfor 60 "the first outputs" bash -c "[ \$(find '$out' -name '*.jpg' | wc -l) -ge 2 ]"
sleep 1.5 # let the preview of the first readable input arrive
import -window "$wid" build/window-batch.png
done_at_shot=$(find "$out" -name '*.jpg' | wc -l)
check_png build/window-batch.png
waitfor 300 "the batch to finish" bash -c "grep -q 'batch: Finished' build/window-batch.log"
grep -q 'Finished: 18 processed · 0 skipped · 1 failed' build/window-batch.log ||
	fail "expected 18 processed and 1 failed: $(grep 'batch:' build/window-batch.log)"
n=$(find "$out" -name '*.jpg' | wc -l)
[ "$n" -eq 18 ] || fail "the batch wrote $n files, expected 18"
leftovers=$(find "$out" -name '.picpool-*' ! -name .picpool-journal.jsonl | wc -l) # the resume journal stays
[ "$leftovers" -eq 0 ] || fail "temporary files left in the output folder"
note "$(grep 'batch:' build/window-batch.log | tail -n 1 | sed 's/^picpool: //'); screenshot taken with $done_at_shot/18 done"
if grep -q 'Error in Fyne call thread' build/window-batch.log; then fail "Fyne threading warnings in build/window-batch.log"; fi
note "OK: build/window.png, build/window-after-drop.png, build/window-batch.png"

# shellcheck shell=bash
# Sourced by the package checks: a private Xvfb, waiting for the app's
# window, and non-blank screenshots. Callers set -euo pipefail, define
# fail MESSAGE, and stop what they started (xvfb_pid) on exit.
# Needs: xvfb xauth xdotool x11-utils imagemagick.

# start_xvfb DIR starts Xvfb on a display number it picks itself
# (-displayfd: others may have Xvfb on :99) and exports DISPLAY. A client in
# a chroot reaches it too: X listens on an abstract socket as well, which
# belongs to the network namespace, not to the file system.
start_xvfb() {
	local dir=$1
	exec 3>"$dir/display"
	Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$dir/xvfb.log" 2>&1 &
	# shellcheck disable=SC2034 # the caller's, to stop it
	xvfb_pid=$!
	exec 3>&-
	for _ in $(seq 100); do [ -s "$dir/display" ] && break; sleep 0.1; done
	[ -s "$dir/display" ] || fail "Xvfb did not start: $(cat "$dir/xvfb.log")"
	DISPLAY=:$(head -n 1 "$dir/display")
	export DISPLAY
	echo "Xvfb on $DISPLAY"
}

# wait_window PID LOG [SECONDS] waits for a window named PicPool while PID
# runs, and prints its id.
wait_window() {
	local pid=$1 log=$2 wid=''
	for _ in $(seq $((${3:-30} * 2))); do
		kill -0 "$pid" 2>/dev/null || fail "the app exited: $(cat "$log")"
		wid=$(xdotool search --name '^PicPool' 2>/dev/null | head -n 1) && [ -n "$wid" ] && break
		sleep 0.5
	done
	[ -n "$wid" ] || fail "no window named PicPool after ${3:-30} s: $(cat "$log")"
	echo "$wid"
}

# screenshot WID NAME saves the window as build/NAME-window.png and the
# screen as build/NAME-screen.png, and fails on a blank window: fewer than
# 32 colours or a flat image (what a window that never drew looks like).
screenshot() {
	local wid=$1 png=build/$2-window.png colours sd
	echo "window $wid: '$(xdotool getwindowname "$wid")', $(xdotool getwindowgeometry "$wid" | sed -n 's/ *Geometry: //p')"
	import -window "$wid" "$png"
	import -window root "build/$2-screen.png"
	read -r colours sd < <(convert "$png" -format '%k %[fx:standard_deviation]\n' info:)
	echo "$png: $(identify -format '%wx%h' "$png"), $colours colours, standard deviation $sd"
	[ "$colours" -ge 32 ] || fail "the window screenshot has only $colours colours: blank?"
	awk -v sd="$sd" 'BEGIN { exit !(sd > 0.02) }' || fail "the window screenshot is flat (standard deviation $sd): blank?"
}

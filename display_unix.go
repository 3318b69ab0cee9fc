//go:build !windows && !darwin && !android && !ios && !js

package main

import (
	"fmt"
	"io"
	"os"
)

// noDisplay says, when the window cannot open because there is no display
// to open it on (an SSH session, a container, a cluster job), why and what
// to run instead, rather than the toolkit's panic. It returns false (and
// says nothing) when a display is there.
func noDisplay(w io.Writer) bool {
	if os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "" {
		return false
	}
	fmt.Fprintln(w, "picpool: no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set).")
	fmt.Fprintln(w, "Without a display, run a batch from the command line: picpool run -out DIR [settings] INPUTS… (picpool help)")
	return true
}

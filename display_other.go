//go:build windows || darwin || android || ios || js

package main

import "io"

// noDisplay: these systems always have a screen for a desktop app.
func noDisplay(io.Writer) bool { return false }

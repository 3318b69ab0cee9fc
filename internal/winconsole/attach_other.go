//go:build !windows

package winconsole

// Attach does nothing outside Windows: there, a program always inherits its
// parent's standard streams. It reports false.
func Attach() bool { return false }

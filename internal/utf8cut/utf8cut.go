// Package utf8cut cuts text to a size in bytes without splitting a
// character: the EXIF fields codec reads and the name fields processing
// puts into file names are both bounded so.
package utf8cut

import "unicode/utf8"

// Cut returns s cut to at most n bytes, at the start of a character (a
// byte that is not a UTF-8 continuation byte); s itself when it fits.
func Cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

package utf8cut

import (
	"testing"
	"unicode/utf8"
)

func TestCut(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abc", 3, "abc"},
		{"abcdef", 3, "abc"},
		{"añb", 2, "a"},        // ñ is 2 bytes: not split
		{"añb", 3, "añ"},       // ends exactly after it
		{"日本語", 4, "日"},        // 3-byte characters
		{"日本語", 2, ""},         // not even the first fits
		{"🙂x", 3, ""},          // a 4-byte character
		{"a\xffb", 2, "a\xff"}, // invalid bytes are not continuation bytes: cut as bytes
	} {
		got := Cut(c.s, c.n)
		if got != c.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
		if len(got) > c.n || (utf8.ValidString(c.s) && !utf8.ValidString(got)) {
			t.Errorf("Cut(%q, %d) = %q: over the size or split a character", c.s, c.n, got)
		}
	}
}

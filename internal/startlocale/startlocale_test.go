package startlocale

import "testing"

func TestQuiet(t *testing.T) {
	for _, c := range []struct {
		env         map[string]string
		name, value string
	}{
		{map[string]string{"LANG": "C.UTF-8"}, "LANG", "C.UTF-8"},
		{map[string]string{"LANG": "C.utf8"}, "LANG", "C.utf8"},
		{map[string]string{"LANG": "POSIX.UTF-8"}, "LANG", "POSIX.UTF-8"},
		{map[string]string{"LC_ALL": "C.UTF-8", "LANG": "fr_FR.UTF-8"}, "LC_ALL", "C.UTF-8"},
		{map[string]string{"LC_MESSAGES": "C.UTF-8", "LANG": "de_DE.UTF-8"}, "LC_MESSAGES", "C.UTF-8"},
		{map[string]string{"LC_ALL": "fr_FR.UTF-8", "LANG": "C.UTF-8"}, "", ""}, // LC_ALL decides: French
		{map[string]string{"LANG": "C"}, "", ""},                                // already what the toolkit reads as none
		{map[string]string{"LANG": "POSIX"}, "", ""},
		{map[string]string{"LANG": "fr_FR.UTF-8"}, "", ""},
		{map[string]string{"LANG": "Catalan"}, "", ""}, // not C
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "fr"}, "", ""},
		{map[string]string{}, "", ""},
	} {
		name, value := quiet(func(k string) string { return c.env[k] })
		if name != c.name || value != c.value {
			t.Errorf("%v: %q=%q, want %q=%q", c.env, name, value, c.name, c.value)
		}
	}
}

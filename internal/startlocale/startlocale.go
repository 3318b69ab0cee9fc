// Package startlocale keeps the GUI toolkit quiet about a C locale while
// the program starts, without changing the locale anything else sees.
//
// Fyne's lang package reads the user's locale in its init function, before
// main runs, and cannot parse "C.UTF-8" (Debian's and most container
// images' default) as a language: every start of the program, "picpool
// run" in a cron or cluster job included, printed three "Fyne error: Error
// parsing user locale C" lines. A plain "C" or "POSIX" it reads as no
// locale, and then uses English, which is also what it ends up with for
// "C.UTF-8". So, when the variable that sets the language (LC_ALL,
// LC_MESSAGES or LANG, the first one set) names the C or POSIX locale with
// a codeset or modifier, this package's init sets it to plain "C" for the
// inits that follow, and Restore, the first thing main does, puts the
// user's value back: the window, the worker processes and every program
// PicPool starts see the environment as it was given. Any other locale
// (fr_FR.UTF-8, …) is left alone, so the window still speaks the user's
// language, and so is LANGUAGE, which then chooses it.
//
// It works because of Go's package initialisation order: packages are
// initialised in the order of their import paths, each as soon as its own
// imports are; this package imports only os, which the toolkit's lang
// package needs too (through log), so no package that imports log, lang
// among them, can be initialised before this one. main_test.go checks the
// result on the real program under LANG=C.UTF-8, C and unset.
package startlocale

import "os"

// changed is the variable set to "C" at start-up, with its value; empty
// when none was.
var changed struct{ name, value string }

func init() {
	changed.name, changed.value = quiet(os.Getenv)
	if changed.name != "" {
		os.Setenv(changed.name, "C")
	}
}

// quiet returns the variable to set to "C" during start-up, and its value
// to restore; "" when there is nothing to do.
func quiet(getenv func(string) string) (name, value string) {
	if getenv("LANGUAGE") != "" {
		return "", "" // it chooses the language; the toolkit parses it instead
	}
	for _, v := range [...]string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if value = getenv(v); value != "" {
			name = v
			break
		}
	}
	if name == "" || value == "C" || value == "POSIX" {
		return "", ""
	}
	base := value
	for i := 0; i < len(base); i++ {
		if base[i] == '.' || base[i] == '@' {
			base = base[:i]
			break
		}
	}
	if base != "C" && base != "POSIX" {
		return "", ""
	}
	return name, value
}

// Restore puts back the variable changed during start-up. main calls it
// before anything else.
func Restore() {
	if changed.name != "" {
		os.Setenv(changed.name, changed.value)
		changed.name = ""
	}
}

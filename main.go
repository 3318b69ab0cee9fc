// PicPool: batch image processing on every core. With no arguments, or with
// files and folders, it opens the window; with a subcommand it runs headless.
package main

import (
	"os"
	"runtime/debug"

	"github.com/picpool/picpool/cli"
	"github.com/picpool/picpool/gui"
	"github.com/picpool/picpool/internal/startlocale"
	"github.com/picpool/picpool/internal/winconsole"
)

func main() {
	startlocale.Restore() // the locale variable as the user set it (see the package)
	setMetadata()         // version and icon, from FyneApp.toml and Icon.png
	if os.Getenv("GOGC") == "" {
		// Workers allocate an image per filter pass: collecting at 50% heap
		// growth instead of 100% keeps a worker's peak near 1.5x its decoded
		// input instead of 1.9x, at the same speed (docs/speed.md).
		debug.SetGCPercent(50)
	}
	args := os.Args[1:]
	if cli.IsCommand(args) {
		winconsole.Attach() // Windows GUI binary: print to the shell's console
		os.Exit(cli.Main(args))
	}
	if noDisplay(os.Stderr) {
		os.Exit(2)
	}
	gui.Main(args)
}

// PicPool: batch image processing on every core. With no arguments, or with
// files and folders, it opens the window; with a subcommand it runs headless.
package main

import (
	"os"

	"github.com/picpool/picpool/cli"
	"github.com/picpool/picpool/gui"
	"github.com/picpool/picpool/internal/winconsole"
)

func main() {
	setMetadata() // version and icon, from FyneApp.toml and Icon.png
	args := os.Args[1:]
	if cli.IsCommand(args) {
		winconsole.Attach() // Windows GUI binary: print to the shell's console
		os.Exit(cli.Main(args))
	}
	gui.Main(args)
}

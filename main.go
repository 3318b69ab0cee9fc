// PicPool: batch image processing on every core. With no arguments, or with
// files and folders, it opens the window; with a subcommand it runs headless.
package main

import (
	"os"

	"github.com/picpool/picpool/cli"
	"github.com/picpool/picpool/gui"
)

func main() {
	args := os.Args[1:]
	if cli.IsCommand(args) {
		os.Exit(cli.Main(args))
	}
	gui.Main(args)
}

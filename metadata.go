package main

import (
	_ "embed"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/picpool/picpool/cli"
	"github.com/picpool/picpool/version"
)

// FyneApp.toml is the one place PicPool's name, ID and version are written.
//
//go:embed FyneApp.toml
var fyneAppTOML []byte

//go:embed Icon.png
var iconPNG []byte

// setMetadata gives the version to the command line (`picpool --version`)
// and the app's metadata to Fyne, so the window has its icon, and the About
// dialog its version (fyne.CurrentApp().Metadata()), in a plain `go build`
// as in a `fyne package` build (whose generated init sets the same values).
func setMetadata() {
	info, err := version.Parse(fyneAppTOML)
	if err != nil { // cannot happen: version's tests parse the same file
		fmt.Fprintln(os.Stderr, "picpool:", err)
		os.Exit(2)
	}
	cli.Version = info.Version
	app.SetMetadata(fyne.AppMetadata{
		ID:         info.ID,
		Name:       info.Name,
		Version:    info.Version,
		Build:      info.Build,
		Icon:       fyne.NewStaticResource("Icon.png", iconPNG),
		Release:    version.Release,
		Migrations: info.Migrations,
	})
}

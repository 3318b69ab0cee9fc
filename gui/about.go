package gui

import (
	"fmt"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

// aboutText is what the About dialog says. The name and version come from
// the app's metadata, which main sets from FyneApp.toml: the same place
// `picpool --version` reads; like it, the dialog names the codecs (name,
// version, native or WebAssembly), the filter kernels and the colour engine
// of this build.
func aboutText(m fyne.AppMetadata) string {
	name, v := m.Name, m.Version
	if name == "" {
		name = "PicPool"
	}
	if v == "" {
		v = "(development build)"
	}
	build := ""
	if m.Build > 0 {
		build = fmt.Sprintf(", build %d", m.Build)
	}
	return fmt.Sprintf("%s %s%s\n\nBatch image processing on every core.\n%s, %s/%s, Go %s\n%s\nFilter kernels: %s\nColour: %s",
		name, v, build, m.ID, runtime.GOOS, runtime.GOARCH, runtime.Version(), strings.Join(codec.Codecs(), "\n"), processing.Kernels, codec.ColorEngine())
}

// newAboutButton is the small "About" button at the right of the preset bar.
func newAboutButton(w *Window) *widget.Button {
	return widget.NewButtonWithIcon("", theme.InfoIcon(), func() { w.showAbout() })
}

func (w *Window) showAbout() {
	m := w.app.Metadata()
	text := widget.NewLabel(aboutText(m))
	content := fyne.CanvasObject(text)
	if m.Icon != nil {
		icon := widget.NewIcon(m.Icon)
		content = container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(64, 64), icon), nil, text)
	}
	dialog.ShowCustom("About PicPool", "Close", content, w.win)
}

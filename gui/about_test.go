package gui

import (
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
	"github.com/picpool/picpool/version"
)

// metaApp is a test app with the metadata main sets from FyneApp.toml.
type metaApp struct {
	fyne.App
	m fyne.AppMetadata
}

func (a metaApp) Metadata() fyne.AppMetadata { return a.m }

func TestAboutShowsTheVersionFromFyneAppToml(t *testing.T) {
	raw, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	info, err := version.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	a := metaApp{App: test.NewTempApp(t), m: fyne.AppMetadata{ID: info.ID, Name: info.Name, Version: info.Version, Build: info.Build}}
	h := newHarnessWithApp(t, a)
	test.Tap(h.w.about)
	overlay := h.w.win.Canvas().Overlays().Top()
	if overlay == nil {
		t.Fatal("About opened no dialog")
	}
	var text string
	for _, o := range test.LaidOutObjects(overlay) {
		if l, ok := o.(*widget.Label); ok {
			text += l.Text + "\n"
		}
	}
	for _, want := range []string{info.Name + " " + info.Version, "JPEG codec: " + codec.JPEGCodec, "Filter kernels: " + processing.Kernels, "Colour: " + codec.ColorEngine(),
		"HEIC codec (read): " + codec.HEIFCodec, "AVIF codec: " + codec.AVIFCodec, "WebP codec: " + codec.WebPCodec} {
		if !strings.Contains(text, want) {
			t.Errorf("About says %q, want %q", text, want)
		}
	}
}

func TestAboutTextWithoutMetadata(t *testing.T) {
	if got := aboutText(fyne.AppMetadata{}); !strings.HasPrefix(got, "PicPool (development build)") {
		t.Errorf("%q", got)
	}
}

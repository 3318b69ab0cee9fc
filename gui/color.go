package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

// colorPart is the colour setting (processing.Settings.Color): images with a
// colour profile are converted to sRGB (the default) or keep their profile.
// It is its own small part, shown under the output options.
type colorPart struct {
	mode *widget.Select
	obj  fyne.CanvasObject
}

// The choices as the window words them, in codec.ColorModes' order.
var colorChoices = []string{"Convert to sRGB", "Keep the profile"}

func newColorPart(w *Window) *colorPart {
	c := &colorPart{}
	c.mode = widget.NewSelect(colorChoices, func(string) { w.settingsChanged() })
	c.mode.Selected = colorChoices[0]
	// One row, so that the window needs no more height than before: what
	// the choices do is in the README, the engine in the About dialog.
	c.obj = container.NewBorder(nil, nil, widget.NewLabel("Colour (photos with a profile)"), nil, c.mode)
	return c
}

// fill puts the setting into a preset ("" for the default, as presets
// store it).
func (c *colorPart) fill(p *processing.Preset) {
	p.Color = ""
	if c.mode.Selected == colorChoices[1] {
		p.Color = string(codec.ColorKeep)
	}
}

// setPreset shows a preset's colour setting.
func (c *colorPart) setPreset(p processing.Preset) {
	m, err := codec.ParseColorMode(p.Color)
	if err == nil && m == codec.ColorKeep {
		c.mode.SetSelected(colorChoices[1])
		return
	}
	c.mode.SetSelected(colorChoices[0])
}

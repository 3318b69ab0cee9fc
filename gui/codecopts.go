package gui

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

// codecOptions holds the output options that apply to some formats only:
// lossless WebP and AVIF, AVIF's encoder speed and grids, keeping every frame of
// animations, and the pixel limit (the command line's -max-pixels).
type codecOptions struct {
	lossless  *widget.Check
	speed     *widget.Select
	oneFrame  *widget.Check
	allFrames *widget.Check
	limit     *widget.Select
}

// Choices of the selects; the first of each is the default.
var (
	speedChoices = func() []string {
		c := []string{fmt.Sprintf("default (%d)", codec.DefaultAVIFSpeed)}
		for s := 1; s <= 10; s++ {
			c = append(c, strconv.Itoa(s))
		}
		return c
	}()
	limitChoices = []string{codec.Megapixels(codec.DefaultMaxPixels) + " (default)", "300 MP", "500 MP", "1000 MP", "no limit"}
)

func newCodecOptions(changed func()) *codecOptions {
	c := &codecOptions{}
	c.lossless = widget.NewCheck("Lossless", func(bool) { changed() })
	c.speed = widget.NewSelect(speedChoices, func(string) { changed() })
	c.speed.Selected = speedChoices[0]
	c.oneFrame = widget.NewCheck("Large AVIFs as one frame (for Firefox; more memory)", func(bool) { changed() })
	c.allFrames = widget.NewCheck("Keep every frame of animations (GIF, WebP)", func(bool) { changed() })
	c.limit = widget.NewSelect(limitChoices, func(string) { changed() })
	c.limit.Selected = limitChoices[0]
	return c
}

// rows are the form rows: label, widget.
func (c *codecOptions) rows() []fyne.CanvasObject {
	return []fyne.CanvasObject{
		widget.NewLabel("WebP, AVIF"), container.NewGridWithColumns(2, c.lossless,
			container.NewBorder(nil, nil, widget.NewLabel("AVIF speed"), nil, c.speed)),
		widget.NewLabel(""), c.oneFrame,
		widget.NewLabel("Animations"), c.allFrames,
		widget.NewLabel("Pixel limit"), c.limit,
	}
}

// enable enables the options that apply to the chosen format ("same":
// all, since inputs may be of any format).
func (c *codecOptions) enable(format string) {
	all := format == "same"
	setEnabled(c.lossless, all || format == "webp" || format == "avif")
	setEnabled(c.speed, all || format == "avif")
	setEnabled(c.oneFrame, all || format == "avif")
	setEnabled(c.allFrames, all || format == "webp" || format == "gif")
}

type enabler interface {
	Enable()
	Disable()
}

func setEnabled(w enabler, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// apply writes the options into a preset.
func (c *codecOptions) apply(p *processing.Preset) {
	p.Lossless = c.lossless.Checked
	p.AVIFOneFrame = c.oneFrame.Checked
	p.AllFrames = c.allFrames.Checked
	p.Speed, _ = strconv.Atoi(c.speed.Selected) // 0 for the default
	switch i := c.limit.SelectedIndex(); {
	case i == len(limitChoices)-1:
		p.MaxPixels = -1
	case i > 0:
		mp, _ := strconv.Atoi(strings.TrimSuffix(c.limit.Selected, " MP"))
		p.MaxPixels = int64(mp) * 1_000_000
	}
}

// set shows a preset's options; a pixel limit not among the choices shows
// as the smallest choice that holds it.
func (c *codecOptions) set(p processing.Preset) {
	c.lossless.SetChecked(p.Lossless)
	c.oneFrame.SetChecked(p.AVIFOneFrame)
	c.allFrames.SetChecked(p.AllFrames)
	if p.Speed >= 1 && p.Speed <= 10 {
		c.speed.SetSelected(strconv.Itoa(p.Speed))
	} else {
		c.speed.SetSelectedIndex(0)
	}
	switch {
	case p.MaxPixels < 0:
		c.limit.SetSelectedIndex(len(limitChoices) - 1)
	case p.MaxPixels == 0 || p.MaxPixels <= codec.DefaultMaxPixels:
		c.limit.SetSelectedIndex(0)
	default:
		for i, mp := range []int64{300, 500, 1000} {
			if p.MaxPixels <= mp*1_000_000 {
				c.limit.SetSelectedIndex(i + 1)
				return
			}
		}
		c.limit.SetSelectedIndex(len(limitChoices) - 1)
	}
}

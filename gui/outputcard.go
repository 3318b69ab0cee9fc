package gui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

// outputCard edits one output of the batch: its folder inside the output
// folder, its own filters after the shared chain (in the chain's text
// form), format, quality, name template (with a preview of the first names
// and errors that point at the template) and size target. Duplicate and
// Remove act on the list (outputPanel).
type outputCard struct {
	panel    *outputPanel
	title    *widget.Label
	dup      *widget.Button
	remove   *widget.Button
	dir      *widget.Entry
	filters  *widget.Entry
	format   *widget.Select
	pngLevel *widget.Select
	quality  *paramControl
	name     *widget.Entry
	names    *widget.Label // the first names, or the template's problem
	maxSize  *widget.Entry
	noMeta   *widget.Label // GIF and BMP hold no metadata
	problem  *widget.Label // the filters' or the size's problem
	obj      fyne.CanvasObject

	base         processing.OutputPreset // what the card does not show (kept as loaded)
	qualityValue int
	// qualitySet: the user chose the quality; until then it is the format's
	// default, and the output says 0 (each format's default).
	qualitySet bool
	tail       processing.Chain
	tailErr    error
	sizeErr    error
}

var (
	pngLevels    = []string{"default", "fast", "best", "none"}
	qualityParam = processing.ParamInfo{Name: "quality", Label: "Quality", Type: processing.Int, Default: "90", Min: 1, Max: 100}
)

// defaultQuality is the quality a format's encoder uses unless told.
func defaultQuality(format string) int {
	switch format {
	case "webp":
		return codec.DefaultWebPQuality
	case "avif":
		return codec.DefaultAVIFQuality
	}
	return codec.DefaultJPEGQuality
}

func newOutputCard(panel *outputPanel) *outputCard {
	c := &outputCard{panel: panel, qualityValue: codec.DefaultJPEGQuality}
	changed := func() { c.panel.changed() }
	c.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.dup = widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() { panel.duplicate(c) })
	c.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { panel.removeCard(c) })
	c.dir = widget.NewEntry()
	c.dir.SetPlaceHolder("sub-folder (empty: the output folder)")
	c.dir.OnChanged = func(string) { changed() }
	c.filters = widget.NewEntry()
	c.filters.SetPlaceHolder("its own filters, e.g. resize=256x256:mode=fill")
	c.filters.OnChanged = func(text string) { c.filtersTyped(text); changed() }
	c.format = widget.NewSelect(codec.Formats(), func(string) { c.formatChanged(); changed() })
	c.format.Selected = "same"
	c.pngLevel = widget.NewSelect(pngLevels, func(string) { changed() })
	c.pngLevel.Selected = "default"
	c.quality = newParamControl(qualityParam, strconv.Itoa(c.qualityValue),
		func(v string) { c.qualityValue, _ = strconv.Atoi(v); c.qualitySet = true; changed() },
		func(string, error) { c.qualityValue = -1; changed() })
	c.name = widget.NewEntry()
	c.name.SetPlaceHolder("{name}")
	c.name.OnChanged = func(string) { changed() }
	c.names = widget.NewLabel("")
	c.names.Wrapping = fyne.TextWrapWord
	c.names.SizeName = theme.SizeNameCaptionText
	c.maxSize = widget.NewEntry()
	c.maxSize.SetPlaceHolder("none (300KB…)")
	c.maxSize.OnChanged = func(text string) { c.sizeTyped(text); changed() }
	c.noMeta = widget.NewLabel("GIF and BMP cannot hold metadata or a colour profile: outputs in them have none.")
	c.noMeta.Wrapping = fyne.TextWrapWord
	c.noMeta.Importance = widget.WarningImportance
	c.noMeta.SizeName = theme.SizeNameCaptionText
	c.noMeta.Hide()
	c.problem = widget.NewLabel("")
	c.problem.Importance = widget.DangerImportance
	c.problem.Wrapping = fyne.TextWrapWord
	c.problem.Hide()

	// Folder [sub-folder] [format] [PNG level]
	// Filters [its own chain]
	// Name [template] / the first names
	// Quality [slider value] Max [size]
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel("Folder"), container.NewGridWithColumns(2, c.dir, container.NewGridWithColumns(2, c.format, c.pngLevel)),
		widget.NewLabel("Filters"), c.filters,
		widget.NewLabel("Name"), container.NewVBox(c.name, c.names),
		widget.NewLabel("Quality"), container.NewGridWithColumns(2, c.quality.obj,
			container.NewBorder(nil, nil, widget.NewLabel("Max size"), nil, c.maxSize)),
	)
	head := container.NewBorder(nil, nil, nil, container.NewHBox(c.dup, c.remove), c.title)
	c.obj = container.NewVBox(widget.NewSeparator(), head, form, c.noMeta, c.problem)
	c.formatChanged()
	return c
}

// formatChanged enables the options that apply to the chosen format, and
// shows its default quality while the user has not chosen one.
func (c *outputCard) formatChanged() {
	f := c.format.Selected
	if !c.qualitySet {
		c.qualityValue = defaultQuality(f)
		c.quality.set(strconv.Itoa(c.qualityValue))
	}
	if f == "jpeg" || f == "webp" || f == "avif" || f == "same" {
		c.quality.entry.Enable()
		c.quality.slider.Enable()
	} else {
		c.quality.entry.Disable()
		c.quality.slider.Disable()
	}
	if f == "png" || f == "same" {
		c.pngLevel.Enable()
	} else {
		c.pngLevel.Disable()
	}
	if f == "gif" || f == "bmp" {
		c.noMeta.Show()
	} else {
		c.noMeta.Hide()
	}
}

func (c *outputCard) filtersTyped(text string) {
	chain, err := processing.ParseChain(text)
	c.tailErr = err
	if err == nil {
		c.tail = chain
	}
	c.showProblem()
}

func (c *outputCard) sizeTyped(text string) {
	c.sizeErr = nil
	if t := strings.TrimSpace(text); t != "" {
		if n, err := processing.ParseSize(t); err != nil || n == 0 {
			c.sizeErr = fmt.Errorf("max size %q: give a size such as 300KB or 2MB", t)
		}
	}
	c.showProblem()
}

// err is the card's own problem: its filters or its size, as typed.
func (c *outputCard) err() error {
	if c.tailErr != nil {
		return fmt.Errorf("filters: %w", c.tailErr)
	}
	return c.sizeErr
}

func (c *outputCard) showProblem() {
	if err := c.err(); err != nil {
		c.problem.SetText(err.Error())
		c.problem.Show()
	} else {
		c.problem.Hide()
	}
}

// simple reports whether the card is the one output of a batch as it was
// before outputs existed: no folder of its own, no filters of its own.
func (c *outputCard) simple() bool {
	return strings.TrimSpace(c.dir.Text) == "" && len(c.tail) == 0 && c.base.Label == ""
}

// output returns the card as a preset's output, every shown field given
// (so that nothing is inherited from the preset's top level by accident).
func (c *outputCard) output() processing.OutputPreset {
	o := c.base
	o.Dir = strings.TrimSpace(c.dir.Text)
	o.Filters = append(processing.Chain(nil), c.tail...)
	o.Format = c.format.Selected
	o.Quality = c.qualityValue
	if !c.qualitySet && o.Quality > 0 {
		o.Quality = 0 // the format's default
	}
	o.PNGLevel = c.pngLevel.Selected
	o.NameTemplate = c.name.Text
	if o.NameTemplate == "" {
		o.NameTemplate = "{name}"
	}
	o.MaxSize = strings.TrimSpace(c.maxSize.Text)
	return o
}

// set shows an output, its empty fields taken from the preset's top level.
func (c *outputCard) set(o processing.OutputPreset, top processing.Preset) {
	pick := func(v, def string) string {
		if v != "" {
			return v
		}
		return def
	}
	c.base = o
	c.dir.SetText(o.Dir)
	c.filters.SetText(o.Filters.String())
	c.filtersTyped(c.filters.Text)
	f, err := codec.ParseFormat(pick(o.Format, top.Format))
	if err != nil || f == codec.SameFormat {
		c.format.SetSelected("same")
	} else {
		c.format.SetSelected(string(f))
	}
	q := o.Quality
	if q == 0 {
		q = top.Quality
	}
	c.qualitySet = q != 0
	if q == 0 {
		q = defaultQuality(c.format.Selected)
	}
	c.qualityValue = q
	c.quality.set(strconv.Itoa(q))
	c.pngLevel.SetSelected(pick(pick(o.PNGLevel, top.PNGLevel), "default"))
	name := pick(o.NameTemplate, top.NameTemplate)
	if name == "{name}" {
		name = ""
	}
	c.name.SetText(name)
	c.maxSize.SetText(pick(o.MaxSize, top.MaxSize))
}

// showNames shows the first names the output gives, or the problem of its
// template, pointing at it.
func (c *outputCard) showNames(names []string, err error) {
	c.names.Importance = widget.MediumImportance
	c.names.TextStyle = fyne.TextStyle{}
	var te *processing.TemplateError
	switch {
	case errors.As(err, &te) && te.Text == c.templateText():
		// The template, and a caret under the character at fault.
		c.names.Importance = widget.DangerImportance
		c.names.TextStyle = fyne.TextStyle{Monospace: true}
		c.names.SetText(fmt.Sprintf("%s\n%s^ %s", te.Text, strings.Repeat(" ", te.Pos-1), te.Msg))
	case err != nil:
		c.names.SetText("")
	case len(names) == 0:
		c.names.SetText("")
	default:
		c.names.SetText("Names: " + strings.Join(names, ", ") + " …")
	}
}

func (c *outputCard) templateText() string {
	if c.name.Text == "" {
		return "{name}"
	}
	return c.name.Text
}

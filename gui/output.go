package gui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/processing"
)

// outputPanel holds where and how outputs are written: the output folder,
// what every output shares (prefix and suffix, folder structure, what to do
// when an output exists, the metadata kept and the file dates), and the
// list of outputs (outputCard), each with its own filters, format,
// quality, name and size target; Add output, Duplicate and Remove edit the
// list. One output with no folder or filters of its own is a batch as
// before outputs existed.
type outputPanel struct {
	w        *Window
	dir      *widget.Entry
	browse   *widget.Button
	prefix   *widget.Entry
	suffix   *widget.Entry
	keepTree *widget.Check
	onExists *widget.Select
	metadata *widget.Select
	dates    *widget.Check
	codecs   *codecOptions // lossless, AVIF speed, animations, pixel limit: for every output
	add      *widget.Button
	cards    []*outputCard
	list     *fyne.Container // the cards
	status   *widget.Label   // a problem of the outputs together
	obj      fyne.CanvasObject

	base     processing.Preset // top-level fields the panel does not show, as loaded
	building bool              // cards are being made: no change events
	names    context.CancelFunc
}

var (
	onExistsList = []string{string(processing.Skip), string(processing.Overwrite), string(processing.Rename)}
	// metadataChoices names the metadata policies in the window, in
	// processing.MetadataPolicies' order (the default first).
	metadataChoices = []string{"Keep all but location", "Keep all", "Strip all"}
)

func newOutputPanel(w *Window) *outputPanel {
	o := &outputPanel{w: w}
	changed := func() { o.changed() }
	o.dir = widget.NewEntry()
	o.dir.SetPlaceHolder("Output folder")
	o.dir.OnChanged = func(string) { changed() }
	o.browse = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), o.chooseFolder)
	o.prefix = widget.NewEntry()
	o.prefix.SetPlaceHolder("prefix")
	o.prefix.OnChanged = func(string) { changed() }
	o.suffix = widget.NewEntry()
	o.suffix.SetPlaceHolder("suffix")
	o.suffix.OnChanged = func(string) { changed() }
	o.keepTree = widget.NewCheck("Keep subfolders", func(bool) { changed() })
	o.keepTree.Checked = true
	o.onExists = widget.NewSelect(onExistsList, func(string) { changed() })
	o.onExists.Selected = string(processing.Skip)
	o.metadata = widget.NewSelect(metadataChoices, func(string) { changed() })
	o.metadata.Selected = metadataChoices[0]
	o.dates = widget.NewCheck("Keep file dates", func(bool) { changed() })
	o.codecs = newCodecOptions(changed)
	o.add = widget.NewButtonWithIcon("Add output", theme.ContentAddIcon(), func() { o.addCard(nil) })
	o.status = widget.NewLabel("")
	o.status.Importance = widget.DangerImportance
	o.status.Wrapping = fyne.TextWrapWord
	o.status.Hide()
	o.list = container.NewVBox()

	rows := []fyne.CanvasObject{
		widget.NewLabel("Folder"), container.NewBorder(nil, nil, nil, o.browse, o.dir),
		widget.NewLabel("Names"), container.NewGridWithColumns(2, o.prefix, o.suffix),
		widget.NewLabel("If exists"), container.NewGridWithColumns(2, o.onExists, o.keepTree),
		widget.NewLabel("Metadata"), container.NewGridWithColumns(2, o.metadata, o.dates),
	}
	form := container.New(layout.NewFormLayout(), append(rows, o.codecs.rows()...)...)
	o.obj = container.NewVScroll(container.NewVBox(heading("Output"), form, o.list, o.status, container.NewHBox(o.add)))
	o.building = true
	o.addCard(nil)
	o.building = false
	return o
}

// addCard appends an output: a copy of from, or a fresh one.
func (o *outputPanel) addCard(from *outputCard) {
	c := newOutputCard(o)
	if from != nil {
		o.building = true
		c.set(from.output(), processing.Preset{})
		o.building = false
	}
	o.cards = append(o.cards, c)
	o.relist()
	o.changed()
}

func (o *outputPanel) duplicate(c *outputCard) { o.addCard(c) }

func (o *outputPanel) removeCard(c *outputCard) {
	if len(o.cards) == 1 {
		return
	}
	for i, other := range o.cards {
		if other == c {
			o.cards = append(o.cards[:i], o.cards[i+1:]...)
			break
		}
	}
	o.relist()
	o.changed()
}

// relist shows the cards in order, numbered; the last one cannot be removed.
func (o *outputPanel) relist() {
	objs := make([]fyne.CanvasObject, len(o.cards))
	for i, c := range o.cards {
		c.title.SetText(fmt.Sprintf("Output %d", i+1))
		if len(o.cards) == 1 {
			c.remove.Disable()
		} else {
			c.remove.Enable()
		}
		objs[i] = c.obj
	}
	o.list.Objects = objs
	o.list.Refresh()
}

// changed is every edit's: the window's settings changed, the names shown
// are made again.
func (o *outputPanel) changed() {
	o.enableCodecs()
	if o.building {
		return
	}
	o.w.settingsChanged()
	o.previewNames()
}

// enableCodecs enables the codec options that apply to the outputs'
// format: one format shared by every output, or "same" (all of them).
func (o *outputPanel) enableCodecs() {
	f := ""
	for _, c := range o.cards {
		switch {
		case f == "":
			f = c.format.Selected
		case f != c.format.Selected:
			f = "same"
		}
	}
	o.codecs.enable(f)
}

func (o *outputPanel) folder() string { return strings.TrimSpace(o.dir.Text) }

func (o *outputPanel) setFolder(dir string) { o.dir.SetText(dir) }

// preset returns the output options as a preset without filters. An
// invalid quality shows as -1, which Preset.Validate refuses; problem
// says what else is wrong as typed.
func (o *outputPanel) preset() processing.Preset {
	p := o.base
	p.Name, p.Filters, p.Outputs = "", nil, nil
	p.OnExists = processing.OnExists(o.onExists.Selected)
	p.Prefix, p.Suffix, p.Flat = o.prefix.Text, o.suffix.Text, !o.keepTree.Checked
	p.KeepDates, p.Metadata = o.dates.Checked, ""
	for i, c := range metadataChoices {
		if c == o.metadata.Selected && i > 0 {
			p.Metadata = string(processing.MetadataPolicies()[i])
		}
	}
	o.codecs.apply(&p)
	if len(o.cards) == 1 && o.cards[0].simple() {
		c := o.cards[0].output()
		p.Format, p.Quality, p.PNGLevel, p.NameTemplate, p.MaxSize = c.Format, c.Quality, c.PNGLevel, c.NameTemplate, c.MaxSize
		p.MinQuality, p.TooBig = pick(c.MinQuality, p.MinQuality), pickString(c.TooBig, p.TooBig)
		if c.OnlyIfSmaller != nil {
			p.OnlyIfSmaller = *c.OnlyIfSmaller
		}
	} else {
		// Every output gives all it shows: nothing to inherit.
		p.Format, p.Quality, p.PNGLevel, p.NameTemplate, p.MaxSize = "", 0, "", "", ""
		for _, c := range o.cards {
			p.Outputs = append(p.Outputs, c.output())
		}
	}
	if p.Format == "same" {
		p.Format = ""
	}
	if p.PNGLevel == "default" {
		p.PNGLevel = ""
	}
	if p.NameTemplate == "{name}" {
		p.NameTemplate = ""
	}
	return p
}

func pick(v, def int) int {
	if v != 0 {
		return v
	}
	return def
}

func pickString(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// problem is the first problem of the outputs as typed that the preset
// cannot hold (a filter chain that does not parse, a bad size).
func (o *outputPanel) problem() error {
	for i, c := range o.cards {
		if err := c.err(); err != nil {
			return fmt.Errorf("output %d: %w", i+1, err)
		}
	}
	return nil
}

// setPreset shows a preset's output options: one card per output (one for
// a preset without outputs).
func (o *outputPanel) setPreset(p processing.Preset) {
	o.building = true
	defer func() { o.building = false }()
	o.base = p
	onExists, err := processing.ParseOnExists(string(p.OnExists))
	if err != nil {
		onExists = processing.Skip
	}
	o.onExists.SetSelected(string(onExists))
	o.prefix.SetText(p.Prefix)
	o.suffix.SetText(p.Suffix)
	o.keepTree.SetChecked(!p.Flat)
	o.dates.SetChecked(p.KeepDates)
	o.codecs.set(p)
	policy, err := processing.ParseMetadataPolicy(p.Metadata)
	if err != nil {
		policy = processing.KeepNoLocation
	}
	for i, m := range processing.MetadataPolicies() {
		if m == policy {
			o.metadata.SetSelected(metadataChoices[i])
		}
	}
	outs := p.Outputs
	if len(outs) == 0 {
		outs = []processing.OutputPreset{{}}
	}
	o.cards = nil
	for _, op := range outs {
		c := newOutputCard(o)
		c.set(op, p)
		o.cards = append(o.cards, c)
	}
	o.relist()
}

// previewNames makes the first names of each output in the background
// from the listed inputs, and shows them (or the settings' problem).
func (o *outputPanel) previewNames() {
	if o.names != nil {
		o.names()
	}
	p, out := o.w.current()
	if out == "" {
		out = "out"
	}
	b := o.w.inputs.batch("")
	s, err := p.Settings(out)
	if o.problem() != nil {
		return
	}
	if err != nil {
		o.showNames(nil, err)
		return
	}
	ctx, cancel := context.WithCancel(o.w.ctx)
	o.names = cancel
	eng := o.w.eng
	o.w.goBackground(func() {
		names, err := eng.PreviewNames(b, s, 3)
		if ctx.Err() != nil {
			return
		}
		o.w.do(func() {
			if ctx.Err() == nil {
				o.showNames(names, err)
			}
		})
	})
}

// showNames gives each card its names; a problem of the outputs together
// (two writing the same file) shows under the list, a template's at its card.
func (o *outputPanel) showNames(names [][]string, err error) {
	for i, c := range o.cards {
		var n []string
		if i < len(names) {
			n = names[i]
		}
		c.showNames(n, err)
	}
	var te *processing.TemplateError
	if err != nil && !errors.As(err, &te) {
		o.status.SetText(err.Error())
		o.status.Show()
	} else {
		o.status.Hide()
	}
}

func (o *outputPanel) chooseFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			o.dir.SetText(u.Path())
		}
	}, o.w.win)
	if l := fileURI(o.folder()); l != nil {
		d.SetLocation(l)
	}
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

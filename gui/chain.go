package gui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/processing"
)

// chainEditor edits the filter chain: add a step of any kind, edit its
// parameters with controls built from processing.Kinds() metadata, move it
// up or down, switch it off, remove it.
type chainEditor struct {
	w     *Window
	kinds []processing.KindInfo
	steps processing.Chain
	cards []*stepCard

	kind   *widget.Select
	add    *widget.Button
	list   *fyne.Container // the cards
	status *widget.Label   // "3 steps" or the chain's first problem
	obj    fyne.CanvasObject
}

// stepCard is one step's editor.
type stepCard struct {
	obj              fyne.CanvasObject
	enabled          *widget.Check
	up, down, remove *widget.Button
	params           map[string]*paramControl
	problem          *widget.Label // a problem of the step as a whole
}

func newChainEditor(w *Window) *chainEditor {
	c := &chainEditor{w: w, kinds: processing.Kinds()}
	titles := make([]string, len(c.kinds))
	for i, k := range c.kinds {
		titles[i] = k.Title
	}
	c.kind = widget.NewSelect(titles, nil)
	c.kind.PlaceHolder = "Choose a filter"
	if len(titles) > 0 {
		c.kind.Selected = titles[0]
	}
	c.add = widget.NewButtonWithIcon("Add step", theme.ContentAddIcon(), func() {
		if k, ok := c.kindByTitle(c.kind.Selected); ok {
			c.addStep(k.Name)
		}
	})
	c.status = widget.NewLabel("")
	c.status.Wrapping = fyne.TextWrapWord
	c.list = container.NewVBox()
	header := container.NewVBox(
		heading("Filter chain"),
		container.NewBorder(nil, nil, nil, c.add, c.kind),
	)
	c.obj = container.NewBorder(header, c.status, nil, nil, container.NewVScroll(c.list))
	c.rebuild()
	return c
}

func (c *chainEditor) kindByTitle(title string) (processing.KindInfo, bool) {
	for _, k := range c.kinds {
		if k.Title == title {
			return k, true
		}
	}
	return processing.KindInfo{}, false
}

// addStep appends a step of the given kind with default parameters.
func (c *chainEditor) addStep(kind string) {
	s, err := processing.NewStep(kind)
	if err != nil {
		c.status.SetText(err.Error())
		return
	}
	c.steps = append(c.steps, s)
	c.rebuild()
	c.changed()
}

// setChain replaces the chain (a preset was loaded).
func (c *chainEditor) setChain(chain processing.Chain) {
	c.steps = make(processing.Chain, len(chain))
	for i, s := range chain {
		c.steps[i] = cloneStep(s)
	}
	c.rebuild()
	c.changed()
}

// chainCopy returns the chain as edited, invalid values included.
func (c *chainEditor) chainCopy() processing.Chain {
	out := make(processing.Chain, len(c.steps))
	copy(out, c.steps)
	return out
}

// compile returns the chain ready to run, or its first problem.
func (c *chainEditor) compile() (*processing.Pipeline, error) {
	return c.chainCopy().Compile()
}

func (c *chainEditor) move(i, delta int) {
	j := i + delta
	if j < 0 || j >= len(c.steps) {
		return
	}
	c.steps[i], c.steps[j] = c.steps[j], c.steps[i]
	c.rebuild()
	c.changed()
}

func (c *chainEditor) removeStep(i int) {
	c.steps = append(c.steps[:i], c.steps[i+1:]...)
	c.rebuild()
	c.changed()
}

// rebuild makes one card per step; it runs only when steps are added,
// moved or removed, not while parameters are edited.
func (c *chainEditor) rebuild() {
	c.cards = c.cards[:0]
	objs := make([]fyne.CanvasObject, 0, len(c.steps))
	for i := range c.steps {
		card := c.newCard(i)
		c.cards = append(c.cards, card)
		objs = append(objs, card.obj)
	}
	if len(objs) == 0 {
		hint := widget.NewLabel("No filters yet: outputs are re-encoded copies. Choose a filter above and press Add step.")
		hint.Wrapping = fyne.TextWrapWord
		hint.Importance = widget.LowImportance
		objs = append(objs, hint)
	}
	c.list.Objects = objs
	c.list.Refresh()
}

func (c *chainEditor) newCard(i int) *stepCard {
	s := c.steps[i]
	k, _ := processing.Kind(s.Kind)
	card := &stepCard{params: map[string]*paramControl{}}
	card.enabled = widget.NewCheck("", func(on bool) {
		c.steps[i].Disabled = !on
		c.changed()
	})
	card.enabled.Checked = !s.Disabled
	card.up = widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { c.move(i, -1) })
	card.down = widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { c.move(i, +1) })
	card.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { c.removeStep(i) })
	if i == 0 {
		card.up.Disable()
	}
	if i == len(c.steps)-1 {
		card.down.Disable()
	}
	title := widget.NewLabelWithStyle(fmt.Sprintf("%d. %s", i+1, k.Title), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head := container.NewBorder(nil, nil, container.NewHBox(card.enabled, title), container.NewHBox(card.up, card.down, card.remove))
	rows := []fyne.CanvasObject{head}
	if k.Help != "" {
		help := widget.NewLabel(k.Help)
		help.Wrapping = fyne.TextWrapWord
		help.Importance = widget.LowImportance
		help.SizeName = theme.SizeNameCaptionText
		rows = append(rows, help)
	}
	if len(k.Params) > 0 {
		form := container.New(layout.NewFormLayout())
		for _, p := range k.Params {
			name := p.Name
			ctl := newParamControl(p, s.Get(name),
				func(v string) {
					c.steps[i] = c.steps[i].Set(name, v)
					c.changed()
				},
				func(raw string, _ error) {
					c.steps[i] = c.steps[i].Set(name, raw)
					c.changed()
				})
			ctl.pick = c.pickFile
			card.params[name] = ctl
			field := ctl.obj
			if p.Help != "" {
				help := widget.NewLabel(p.Help)
				help.Wrapping = fyne.TextWrapWord
				help.Importance = widget.LowImportance
				help.SizeName = theme.SizeNameCaptionText
				field = container.NewVBox(ctl.obj, help)
			}
			form.Add(widget.NewLabel(p.Label))
			form.Add(field)
		}
		rows = append(rows, form)
	}
	card.problem = widget.NewLabel("")
	card.problem.Importance = widget.DangerImportance
	card.problem.Wrapping = fyne.TextWrapWord
	card.problem.Hide()
	rows = append(rows, card.problem)
	card.obj = widget.NewCard("", "", container.NewVBox(rows...))
	return card
}

// changed checks the chain, shows its first problem at the step it belongs
// to, and tells the window.
func (c *chainEditor) changed() {
	_, err := c.compile()
	var se *processing.SpecError
	at := -1
	if errors.As(err, &se) && se.Index > 0 {
		at = se.Index - 1
	}
	for i, card := range c.cards {
		if i == at && (se.Param == "" || card.params[se.Param] == nil || card.params[se.Param].errorText() == "") {
			card.problem.SetText(se.Msg)
			if !card.problem.Visible() {
				card.problem.Show()
				card.obj.Refresh()
			}
		} else if card.problem.Visible() {
			card.problem.Hide()
			card.obj.Refresh()
		}
	}
	switch {
	case err != nil:
		c.status.Importance = widget.DangerImportance
		c.status.SetText("Cannot run: " + err.Error())
	default:
		c.status.Importance = widget.MediumImportance
		c.status.SetText(chainSummary(c.steps))
	}
	c.w.settingsChanged()
}

func chainSummary(ch processing.Chain) string {
	on := 0
	for _, s := range ch {
		if !s.Disabled {
			on++
		}
	}
	if len(ch) == 0 {
		return "Empty chain"
	}
	text := plural(len(ch), "step", "steps")
	if on != len(ch) {
		text += fmt.Sprintf(" (%d off)", len(ch)-on)
	}
	if s := ch.String(); s != "" {
		text += ": " + s
	}
	return text
}

// pickFile shows a file picker offering files with the extensions exts
// (any file when none) and hands the chosen one's path to done.
func (c *chainEditor) pickFile(exts []string, done func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err == nil && r != nil {
			r.Close()
			done(r.URI().Path())
		}
	}, c.w.win)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// cloneStep copies a step with its own parameter map.
func cloneStep(s processing.Step) processing.Step {
	params := make(map[string]string, len(s.Params))
	for k, v := range s.Params {
		params[k] = v
	}
	s.Params = params
	return s
}

// heading is a bold section title.
func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

package gui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/processing"
	"github.com/picpool/picpool/samples"
)

// inputItem is one input file and what its header says.
type inputItem struct {
	src    processing.Source
	info   codec.Info
	probed bool
	err    string // the header could not be read: the batch will fail it
}

// inputsPanel is the list of input files: add folders and files (buttons,
// drop, samples), see count, size and megapixels, what was skipped and why,
// remove entries. Both lists are virtualised, so thousands of inputs scroll
// smoothly.
type inputsPanel struct {
	w        *Window
	items    []inputItem
	index    map[string]int // path → position in items
	skipped  []processing.Skipped
	selected int
	picked   bool // the user chose the selected input (not autoSelect)
	auto     bool // autoSelect is selecting
	pending  int  // walks in flight

	summary     *widget.Label
	list        *widget.List
	skipItem    *widget.AccordionItem
	skipList    *widget.List
	skipSection *widget.Accordion
	addFolder   *widget.Button
	addFiles    *widget.Button
	samplesBtn  *widget.Button
	clear       *widget.Button
	obj         fyne.CanvasObject
}

func newInputsPanel(w *Window) *inputsPanel {
	p := &inputsPanel{w: w, index: map[string]int{}, selected: -1}
	p.summary = widget.NewLabel("")
	p.summary.Wrapping = fyne.TextWrapWord
	p.list = widget.NewList(func() int { return len(p.items) }, p.newRow, p.updateRow)
	p.list.OnSelected = func(id widget.ListItemID) {
		p.selected = id
		p.picked = !p.auto
		w.preview.request()
	}
	p.skipList = widget.NewList(func() int { return len(p.skipped) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			l.SizeName = theme.SizeNameCaptionText
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			s := p.skipped[id]
			o.(*widget.Label).SetText(shortPath(s.Path) + ": " + s.Reason)
		})
	p.skipItem = widget.NewAccordionItem("Skipped", sized(p.skipList, 0, 100))
	p.skipSection = widget.NewAccordion(p.skipItem)
	p.skipSection.Hide()

	p.addFolder = widget.NewButtonWithIcon("Add folder…", theme.FolderOpenIcon(), p.chooseFolder)
	p.addFiles = widget.NewButtonWithIcon("Add file…", theme.FileImageIcon(), p.chooseFile)
	p.samplesBtn = widget.NewButtonWithIcon("Try samples", theme.MediaPhotoIcon(), p.loadSamples)
	p.clear = widget.NewButtonWithIcon("Clear", theme.ContentClearIcon(), p.clearAll)
	buttons := container.NewGridWithColumns(2, p.addFolder, p.addFiles, p.samplesBtn, p.clear)
	hint := widget.NewLabel("Drop files or folders anywhere on the window.")
	hint.Importance = widget.LowImportance
	hint.SizeName = theme.SizeNameCaptionText
	header := container.NewVBox(heading("Inputs"), buttons, hint, p.summary)
	p.obj = container.NewBorder(header, p.skipSection, nil, nil, p.list)
	p.updateSummary()
	return p
}

func (p *inputsPanel) newRow() fyne.CanvasObject {
	name := widget.NewLabel("")
	name.Truncation = fyne.TextTruncateEllipsis
	info := widget.NewLabel("")
	info.SizeName = theme.SizeNameCaptionText
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), nil)
	remove.Importance = widget.LowImportance
	return container.NewBorder(nil, nil, nil, container.NewHBox(info, remove), name)
}

func (p *inputsPanel) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(p.items) {
		return
	}
	it := p.items[id]
	row := o.(*fyne.Container)
	name := row.Objects[0].(*widget.Label)
	right := row.Objects[1].(*fyne.Container)
	info := right.Objects[0].(*widget.Label)
	remove := right.Objects[1].(*widget.Button)

	name.SetText(it.src.Rel)
	info.Importance = widget.MediumImportance
	switch {
	case it.err != "":
		name.SetText(it.src.Rel + ": " + it.err)
		info.Importance = widget.DangerImportance
		info.SetText("unreadable")
	case !it.probed:
		info.SetText(bytesText(it.src.Size))
	default:
		w, h := it.info.Upright()
		info.SetText(fmt.Sprintf("%d×%d · %s", w, h, bytesText(it.src.Size)))
	}
	path := it.src.Path
	remove.OnTapped = func() { p.remove(path) }
}

// add walks paths in the background and adds what it finds.
func (p *inputsPanel) add(paths []string) {
	p.pending++
	p.updateSummary()
	ctx := p.w.ctx
	p.w.goBackground(func() {
		b := p.w.eng.Collect(ctx, paths)
		p.w.do(func() { p.added(b) })
	})
}

// added takes a walk's result on the UI goroutine.
func (p *inputsPanel) added(b engine.Batch) {
	p.pending--
	var fresh []string
	for _, s := range b.Sources {
		if _, dup := p.index[s.Path]; dup {
			continue
		}
		p.index[s.Path] = len(p.items)
		p.items = append(p.items, inputItem{src: s})
		fresh = append(fresh, s.Path)
	}
	p.skipped = append(p.skipped, b.Skipped...)
	p.w.logf("inputs: %s (+%d), %d skipped", plural(len(p.items), "file", "files"), len(fresh), len(b.Skipped))
	p.list.Refresh()
	p.refreshSkipped()
	p.updateSummary()
	p.autoSelect()
	p.probe(fresh)
	p.w.inputsAdded()
}

// probe reads the headers of new inputs in the background and hands the
// results over in batches, at most ten times a second.
func (p *inputsPanel) probe(paths []string) {
	if len(paths) == 0 {
		return
	}
	ctx, eng := p.w.ctx, p.w.eng
	type result struct {
		path string
		info codec.Info
		err  error
	}
	p.w.goBackground(func() {
		var batch []result
		last := time.Now()
		flush := func() {
			done := batch
			batch = nil
			last = time.Now()
			p.w.do(func() {
				for _, r := range done {
					i, ok := p.index[r.path]
					if !ok {
						continue // removed meanwhile
					}
					p.items[i].probed, p.items[i].info = true, r.info
					if r.err != nil {
						p.items[i].err = r.err.Error()
					}
				}
				p.list.Refresh()
				p.updateSummary()
				p.autoSelect()
			})
		}
		for _, path := range paths {
			if ctx.Err() != nil {
				return
			}
			info, err := eng.Probe(path)
			batch = append(batch, result{path, info, err})
			if time.Since(last) > 100*time.Millisecond {
				flush()
			}
		}
		flush()
	})
}

// autoSelect selects an input for the preview until the user picks one:
// the first input, or the first readable one once the headers are read.
func (p *inputsPanel) autoSelect() {
	if p.picked || len(p.items) == 0 {
		return
	}
	want := 0
	for i, it := range p.items {
		if it.probed && it.err == "" {
			want = i
			break
		}
	}
	if want != p.selected && (p.selected < 0 || p.items[p.selected].err != "") {
		p.auto = true
		p.list.Select(want)
		p.auto = false
	}
}

// markBroken flags an input that could not be decoded (found out by the
// preview): the list says so and the preview moves on to a readable input
// unless the user picked this one.
func (p *inputsPanel) markBroken(path string, err error) {
	i, ok := p.index[path]
	if !ok || p.items[i].err != "" {
		return
	}
	p.items[i].err = err.Error()
	p.list.RefreshItem(i)
	p.updateSummary()
	p.autoSelect()
}

func (p *inputsPanel) remove(path string) {
	i, ok := p.index[path]
	if !ok {
		return
	}
	p.items = append(p.items[:i], p.items[i+1:]...)
	p.reindex()
	if p.selected == i {
		p.selected, p.picked = -1, false
		p.list.UnselectAll()
		p.w.preview.request()
	} else if p.selected > i {
		p.selected--
	}
	p.list.Refresh()
	p.updateSummary()
}

func (p *inputsPanel) clearAll() {
	p.items, p.skipped, p.selected, p.picked = nil, nil, -1, false
	p.reindex()
	p.list.UnselectAll()
	p.list.Refresh()
	p.refreshSkipped()
	p.updateSummary()
	p.w.preview.request()
}

func (p *inputsPanel) reindex() {
	p.index = make(map[string]int, len(p.items))
	for i, it := range p.items {
		p.index[it.src.Path] = i
	}
}

func (p *inputsPanel) refreshSkipped() {
	if len(p.skipped) == 0 {
		if p.skipSection.Visible() {
			p.skipSection.Hide()
			p.obj.Refresh() // lay out again without it
		}
		return
	}
	p.skipItem.Title = fmt.Sprintf("Skipped: %s (show why)", plural(len(p.skipped), "file", "files"))
	p.skipSection.Refresh()
	if !p.skipSection.Visible() {
		p.skipSection.Show()
		p.obj.Refresh()
	}
	p.skipList.Refresh()
}

func (p *inputsPanel) updateSummary() {
	var size, px int64
	probed, bad := 0, 0
	for _, it := range p.items {
		size += it.src.Size
		if it.probed {
			probed++
			px += it.info.Pixels()
		}
		if it.err != "" {
			bad++
		}
	}
	if len(p.items) == 0 && p.pending == 0 {
		p.summary.SetText("No inputs yet.")
		return
	}
	text := fmt.Sprintf("%s · %s · %s", plural(len(p.items), "file", "files"), bytesText(size), megapixelsText(px))
	if bad > 0 {
		text += fmt.Sprintf(" · %d unreadable", bad)
	}
	if probed < len(p.items) {
		text += fmt.Sprintf(" (reading headers %d/%d)", probed, len(p.items))
	}
	if p.pending > 0 {
		text += " · looking for images…"
	}
	p.summary.SetText(text)
}

// current returns the selected input ("" when none).
func (p *inputsPanel) current() string {
	if p.selected < 0 || p.selected >= len(p.items) {
		return ""
	}
	return p.items[p.selected].src.Path
}

// batch returns the inputs as the engine takes them, without the outputs of
// an earlier batch when the output folder lies inside an input folder (see
// engine.Batch.Without).
func (p *inputsPanel) batch(outDir string) engine.Batch {
	b := engine.Batch{Sources: make([]processing.Source, 0, len(p.items))}
	for _, it := range p.items {
		b.Sources = append(b.Sources, it.src)
	}
	return b.Without(outDir)
}

func (p *inputsPanel) chooseFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			p.add([]string{u.Path()})
		}
	}, p.w.win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

func (p *inputsPanel) chooseFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err == nil && r != nil {
			r.Close()
			p.add([]string{r.URI().Path()})
		}
	}, p.w.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".bmp", ".webp"}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// loadSamples extracts the embedded sample photos to a temporary folder
// (removed when the window closes) and adds it.
func (p *inputsPanel) loadSamples() {
	p.samplesBtn.Disable()
	p.pending++
	p.updateSummary()
	p.w.goBackground(func() {
		dir, err := p.w.tempDir("picpool-samples-")
		if err == nil {
			_, err = samples.Extract(dir)
		}
		p.w.do(func() {
			p.pending--
			p.samplesBtn.Enable()
			if err != nil {
				p.updateSummary()
				dialog.ShowError(fmt.Errorf("cannot extract the samples: %w", err), p.w.win)
				return
			}
			p.add([]string{dir})
		})
	})
}

package gui

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/processing"
)

// prefPresets is the preferences key of the saved presets: a JSON object
// from name to preset, each in the same form as a preset file.
const prefPresets = "presets"

// presetsBar saves, loads and deletes named presets kept in the app's
// preferences, and imports and exports preset files (the JSON the command
// line reads with --preset).
type presetsBar struct {
	w        *Window
	names    *widget.Select
	load     *widget.Button
	save     *widget.Button
	del      *widget.Button
	importer *widget.Button
	exporter *widget.Button
	obj      fyne.CanvasObject
}

func newPresetsBar(w *Window) *presetsBar {
	b := &presetsBar{w: w}
	b.names = widget.NewSelect(nil, func(string) { b.enable() })
	b.names.PlaceHolder = "Saved presets"
	b.load = widget.NewButtonWithIcon("Load", theme.DownloadIcon(), func() { b.loadErr(b.names.Selected) })
	b.save = widget.NewButtonWithIcon("Save as…", theme.DocumentSaveIcon(), b.askName)
	b.del = widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), func() { b.remove(b.names.Selected) })
	b.importer = widget.NewButtonWithIcon("Import…", theme.FolderOpenIcon(), b.chooseImport)
	b.exporter = widget.NewButtonWithIcon("Export…", theme.MailForwardIcon(), b.chooseExport)
	b.obj = container.NewBorder(nil, nil, widget.NewLabelWithStyle("Preset", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(b.load, b.save, b.del, widget.NewSeparator(), b.importer, b.exporter), b.names)
	b.refresh()
	return b
}

// stored reads the saved presets.
func (b *presetsBar) stored() map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	if data := b.w.app.Preferences().String(prefPresets); data != "" {
		if err := json.Unmarshal([]byte(data), &m); err != nil {
			b.w.logf("saved presets unreadable: %v", err)
		}
	}
	return m
}

func (b *presetsBar) store(m map[string]json.RawMessage) {
	data, err := json.Marshal(m)
	if err == nil {
		b.w.app.Preferences().SetString(prefPresets, string(data))
	}
	b.refresh()
}

func (b *presetsBar) refresh() {
	m := b.stored()
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	b.names.Options = names
	if _, ok := m[b.names.Selected]; !ok {
		b.names.Selected = ""
	}
	b.names.Refresh()
	b.enable()
}

func (b *presetsBar) enable() {
	if b.names.Selected == "" {
		b.load.Disable()
		b.del.Disable()
	} else {
		b.load.Enable()
		b.del.Enable()
	}
}

// currentPreset returns the window's settings as a checked preset.
func (b *presetsBar) currentPreset(name string) (processing.Preset, error) {
	p, _ := b.w.current()
	p.Name = name
	if err := p.Validate(); err != nil {
		return p, fmt.Errorf("the settings have a problem: %w", err)
	}
	return p, nil
}

// saveAs saves the current settings under name, replacing a preset of that name.
func (b *presetsBar) saveAs(name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return errors.New("a preset needs a name")
	}
	p, err := b.currentPreset(name)
	if err != nil {
		return err
	}
	data, err := p.MarshalIndent()
	if err != nil {
		return err
	}
	m := b.stored()
	m[name] = data
	b.store(m)
	b.names.SetSelected(name)
	return nil
}

// loadPreset applies the saved preset called name.
func (b *presetsBar) loadPreset(name string) error {
	data, ok := b.stored()[name]
	if !ok {
		return fmt.Errorf("no preset called %q", name)
	}
	p, err := processing.ParsePreset(data)
	if err != nil {
		return fmt.Errorf("preset %q: %w", name, err)
	}
	b.w.apply(p)
	return nil
}

func (b *presetsBar) loadErr(name string) {
	if err := b.loadPreset(name); err != nil {
		dialog.ShowError(err, b.w.win)
	}
}

func (b *presetsBar) remove(name string) {
	m := b.stored()
	delete(m, name)
	b.names.Selected = ""
	b.store(m)
}

func (b *presetsBar) askName() {
	entry := widget.NewEntry()
	entry.SetText(b.names.Selected)
	entry.SetPlaceHolder("web, thumbnails, print…")
	dialog.ShowForm("Save preset", "Save", "Cancel", []*widget.FormItem{widget.NewFormItem("Name", entry)}, func(ok bool) {
		if !ok {
			return
		}
		if err := b.saveAs(entry.Text); err != nil {
			dialog.ShowError(err, b.w.win)
		}
	}, b.w.win)
}

// importFile reads a preset file, applies it and saves it under its name
// (or the file's name).
func (b *presetsBar) importFile(path string) error {
	p, err := processing.LoadPreset(path)
	if err != nil {
		return err
	}
	b.w.apply(p)
	name := p.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(path), ".json")
	}
	return b.saveAs(name)
}

// exportFile writes the current settings as a preset file.
func (b *presetsBar) exportFile(path string) error {
	name := b.names.Selected
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(path), ".json")
	}
	p, err := b.currentPreset(name)
	if err != nil {
		return err
	}
	return processing.SavePreset(path, p)
}

func (b *presetsBar) chooseImport() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		if err := b.importFile(r.URI().Path()); err != nil {
			dialog.ShowError(err, b.w.win)
		}
	}, b.w.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

func (b *presetsBar) chooseExport() {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		wc.Close() // SavePreset writes the file itself, atomically
		if err := b.exportFile(wc.URI().Path()); err != nil {
			dialog.ShowError(err, b.w.win)
		}
	}, b.w.win)
	name := b.names.Selected
	if name == "" {
		name = "preset"
	}
	d.SetFileName(name + ".json")
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

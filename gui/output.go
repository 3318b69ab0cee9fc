package gui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

// outputPanel holds where and how outputs are written: folder, format,
// quality, PNG compression, prefix and suffix, folder structure, what to
// do when an output exists, the metadata kept and the file dates.
type outputPanel struct {
	w        *Window
	dir      *widget.Entry
	browse   *widget.Button
	format   *widget.Select
	quality  *paramControl
	pngLevel *widget.Select
	prefix   *widget.Entry
	suffix   *widget.Entry
	keepTree *widget.Check
	onExists *widget.Select
	metadata *widget.Select
	dates    *widget.Check
	noMeta   *widget.Label // GIF and BMP hold no metadata
	codecs   *codecOptions
	obj      fyne.CanvasObject

	// qualityValue is the quality shown; until the user sets one it is the
	// format's default, and the preset says 0 (each format's default).
	qualityValue int
	qualitySet   bool
}

var (
	pngLevels    = []string{"default", "fast", "best", "none"}
	onExistsList = []string{string(processing.Skip), string(processing.Overwrite), string(processing.Rename)}
	// metadataChoices names the metadata policies in the window, in
	// processing.MetadataPolicies' order (the default first).
	metadataChoices = []string{"Keep all but location", "Keep all", "Strip all"}
	qualityParam    = processing.ParamInfo{Name: "quality", Label: "Quality", Type: processing.Int, Default: "90", Min: 1, Max: 100}
)

func newOutputPanel(w *Window) *outputPanel {
	o := &outputPanel{w: w, qualityValue: codec.DefaultJPEGQuality}
	changed := func() { o.w.settingsChanged() }
	o.codecs = newCodecOptions(changed)
	o.dir = widget.NewEntry()
	o.dir.SetPlaceHolder("Output folder")
	o.dir.OnChanged = func(string) { changed() }
	o.browse = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), o.chooseFolder)
	o.format = widget.NewSelect(codec.Formats(), func(string) { o.formatChanged(); changed() })
	o.format.Selected = "same"
	o.quality = newParamControl(qualityParam, "90",
		func(v string) { o.qualityValue, _ = strconv.Atoi(v); o.qualitySet = true; changed() },
		func(string, error) { o.qualityValue = -1; changed() })
	o.pngLevel = widget.NewSelect(pngLevels, func(string) { changed() })
	o.pngLevel.Selected = "default"
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
	o.noMeta = widget.NewLabel("GIF and BMP cannot hold metadata or a colour profile: outputs in them have none.")
	o.noMeta.Wrapping = fyne.TextWrapWord
	o.noMeta.Importance = widget.WarningImportance
	o.noMeta.SizeName = theme.SizeNameCaptionText

	rows := []fyne.CanvasObject{
		widget.NewLabel("Folder"), container.NewBorder(nil, nil, nil, o.browse, o.dir),
		widget.NewLabel("Format"), container.NewGridWithColumns(2, o.format,
			container.NewBorder(nil, nil, widget.NewLabel("PNG"), nil, o.pngLevel)),
		widget.NewLabel(""), o.noMeta,
		widget.NewLabel("Metadata"), container.NewGridWithColumns(2, o.metadata, o.dates),
		widget.NewLabel("Quality"), o.quality.obj,
	}
	rows = append(rows, o.codecs.rows()...)
	rows = append(rows,
		widget.NewLabel("Name"), container.NewGridWithColumns(2, o.prefix, o.suffix),
		widget.NewLabel("If exists"), container.NewGridWithColumns(2, o.onExists, o.keepTree),
	)
	form := container.New(layout.NewFormLayout(), rows...)
	o.obj = container.NewVScroll(container.NewVBox(heading("Output"), form))
	o.formatChanged()
	return o
}

// formatChanged enables the options that apply to the chosen format, and
// shows its default quality while the user has not chosen one.
func (o *outputPanel) formatChanged() {
	f := o.format.Selected
	if !o.qualitySet {
		o.qualityValue = defaultQuality(f)
		o.quality.set(strconv.Itoa(o.qualityValue))
	}
	o.codecs.enable(f)
	if f == "jpeg" || f == "webp" || f == "avif" || f == "same" {
		o.quality.entry.Enable()
		o.quality.slider.Enable()
	} else {
		o.quality.entry.Disable()
		o.quality.slider.Disable()
	}
	if f == "png" || f == "same" {
		o.pngLevel.Enable()
	} else {
		o.pngLevel.Disable()
	}
	if f == "gif" || f == "bmp" {
		o.noMeta.Show()
	} else {
		o.noMeta.Hide()
	}
}

func (o *outputPanel) folder() string { return strings.TrimSpace(o.dir.Text) }

func (o *outputPanel) setFolder(dir string) { o.dir.SetText(dir) }

// defaultQuality is the quality a format is written with when none is set.
func defaultQuality(format string) int {
	switch format {
	case "webp":
		return codec.DefaultWebPQuality
	case "avif":
		return codec.DefaultAVIFQuality
	}
	return codec.DefaultJPEGQuality
}

// preset returns the output options as a preset without filters. An
// invalid quality shows as -1, which Preset.Validate refuses.
func (o *outputPanel) preset() processing.Preset {
	q := o.qualityValue
	if !o.qualitySet && q > 0 {
		q = 0 // each format's default
	}
	p := processing.Preset{
		Format:    o.format.Selected,
		Quality:   q,
		PNGLevel:  o.pngLevel.Selected,
		OnExists:  processing.OnExists(o.onExists.Selected),
		Prefix:    o.prefix.Text,
		Suffix:    o.suffix.Text,
		Flat:      !o.keepTree.Checked,
		KeepDates: o.dates.Checked,
	}
	for i, c := range metadataChoices {
		if c == o.metadata.Selected && i > 0 {
			p.Metadata = string(processing.MetadataPolicies()[i])
		}
	}
	o.codecs.apply(&p)
	if p.Format == "same" {
		p.Format = ""
	}
	if p.PNGLevel == "default" {
		p.PNGLevel = ""
	}
	return p
}

// setPreset shows a preset's output options.
func (o *outputPanel) setPreset(p processing.Preset) {
	f, err := codec.ParseFormat(p.Format)
	if err != nil || f == codec.SameFormat {
		o.format.SetSelected("same")
	} else {
		o.format.SetSelected(string(f))
	}
	o.qualitySet = p.Quality != 0
	o.qualityValue = p.Quality
	if !o.qualitySet {
		o.qualityValue = defaultQuality(o.format.Selected)
	}
	o.quality.set(strconv.Itoa(o.qualityValue))
	o.codecs.set(p)
	if p.PNGLevel == "" {
		o.pngLevel.SetSelected("default")
	} else {
		o.pngLevel.SetSelected(p.PNGLevel)
	}
	onExists, err := processing.ParseOnExists(string(p.OnExists))
	if err != nil {
		onExists = processing.Skip
	}
	o.onExists.SetSelected(string(onExists))
	o.prefix.SetText(p.Prefix)
	o.suffix.SetText(p.Suffix)
	o.keepTree.SetChecked(!p.Flat)
	o.dates.SetChecked(p.KeepDates)
	policy, err := processing.ParseMetadataPolicy(p.Metadata)
	if err != nil {
		policy = processing.KeepNoLocation
	}
	for i, m := range processing.MetadataPolicies() {
		if m == policy {
			o.metadata.SetSelected(metadataChoices[i])
		}
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

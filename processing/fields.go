package processing

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/picpool/picpool/codec"
)

// Fields are what is known about the file being processed, for templates:
// output names, and filter steps that write text (a watermark's
// "© {artist} {year}"). Process fills what the settings' templates and
// steps use (FieldSet) and nothing else, so a batch whose names need no
// EXIF reads none.
//
// A step that draws text receives them through applyEnv.expand (see
// pipefields.go): every Text parameter is a template, expanded per file
// with Template.Text; Pipeline.Uses tells Process which fields to read.
type Fields struct {
	Name   string // the source's name without its extension
	Ext    string // the source's extension, without the dot
	Folder string // the name of the folder the source is in
	// N is the source's position in its batch, from 0; templates count
	// from their start ({n} from 1).
	N int
	// Date is EXIF DateTimeOriginal (a wall-clock time), else the file's
	// modification time; DateFromEXIF says which.
	Date         time.Time
	DateFromEXIF bool
	// Width and Height are the output's size in pixels (0 while unknown);
	// for the shared head's steps, the size the head makes.
	Width, Height int
	// From EXIF, "" when absent; as the file holds them (templates make
	// them safe: see SafeName).
	Camera, Lens, Artist, Copyright string
}

// PathFields returns the fields that the source's path gives.
func PathFields(src Source) Fields {
	base := filepath.Base(src.Path)
	if src.Rel != "" {
		base = filepath.Base(src.Rel)
	}
	ext := filepath.Ext(base)
	folder := filepath.Base(filepath.Dir(src.Path))
	if abs, err := filepath.Abs(filepath.Dir(src.Path)); err == nil {
		folder = filepath.Base(abs)
	}
	if src.Folder != "" {
		folder = src.Folder
	}
	if folder == string(filepath.Separator) || folder == "." {
		folder = "" // a file at the root has no folder name
	}
	return Fields{Name: strings.TrimSuffix(base, ext), Ext: strings.TrimPrefix(ext, "."), Folder: folder, N: src.Index}
}

// AddEXIF fills the fields that come from EXIF (and the date, falling back
// to modTime when EXIF has none).
func (f *Fields) AddEXIF(e codec.EXIFFields, modTime time.Time) {
	f.Camera, f.Lens, f.Artist, f.Copyright = camera(e.Make, e.Model), e.LensModel, e.Artist, e.Copyright
	f.Date, f.DateFromEXIF = e.DateTimeOriginal, !e.DateTimeOriginal.IsZero()
	if !f.DateFromEXIF {
		f.Date = modTime
	}
}

// camera joins EXIF Make and Model the way people name a camera: Model
// alone when it already starts with the maker's name ("NIKON D750", not
// "NIKON CORPORATION NIKON D750"), else both ("Apple iPhone 12").
func camera(make, model string) string {
	if model == "" {
		return make
	}
	first, _, _ := strings.Cut(make, " ")
	if make == "" || strings.HasPrefix(strings.ToLower(model), strings.ToLower(first)) {
		return model
	}
	return make + " " + model
}

// fileFields reads the fields a FieldSet needs from an open file: path
// fields always (they cost nothing), EXIF and the date only when asked.
func fileFields(src Source, file *codec.File, uses FieldSet) Fields {
	f := PathFields(src)
	if uses&(UsesEXIF|UsesDate) == 0 {
		return f
	}
	var mod time.Time
	if st, err := os.Stat(src.Path); err == nil {
		mod = st.ModTime()
	}
	f.AddEXIF(codec.ParseEXIFFields(file.EXIF()), mod)
	return f
}

// value is one field's text for a template part, before cleaning.
func (f *Fields) value(p tmplPart) string {
	switch p.field {
	case "name":
		return f.Name
	case "ext":
		return f.Ext
	case "folder":
		return f.Folder
	case "n":
		s := strconv.Itoa(f.N + p.start)
		if len(s) < p.width {
			s = strings.Repeat("0", p.width-len(s)) + s
		}
		return s
	case "date":
		if f.Date.IsZero() {
			return ""
		}
		return f.Date.Format(p.layout)
	case "year":
		if f.Date.IsZero() {
			return ""
		}
		return strconv.Itoa(f.Date.Year())
	case "width":
		return strconv.Itoa(f.Width)
	case "height":
		return strconv.Itoa(f.Height)
	case "camera":
		return f.Camera
	case "lens":
		return f.Lens
	case "artist":
		return f.Artist
	case "copyright":
		return f.Copyright
	}
	return ""
}

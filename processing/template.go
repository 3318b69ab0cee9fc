package processing

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/picpool/picpool/internal/utf8cut"
)

// A Template is text with fields in braces, filled in for each file from
// its Fields: output names ("{date:2006-01-02}_{n:04}") and any filter step
// that writes text (a watermark's "© {artist} {year}"). It is parsed once
// (ParseTemplate) and expanded per file; it is immutable and safe for
// concurrent use.
//
//	{name}            the source's name without its extension
//	{ext}             the source's extension, without the dot
//	{folder}          the name of the folder the source is in
//	{n}               the source's number in the batch, counting from 1;
//	{n:WIDTH}         padded with zeros to WIDTH digits ({n:04} or {n:4});
//	{n:WIDTH:START}   counting from START ({n:3:0}, {n::100})
//	{date}            the capture date (EXIF DateTimeOriginal, else the
//	{date:LAYOUT}     file's modification time) as 2006-01-02, or in Go's
//	                  layout: {date:2006-01-02_150405}
//	{year}            the capture date's year
//	{width} {height}  the output's size in pixels
//	{camera} {lens}   from EXIF (Make and Model; LensModel)
//	{artist}          from EXIF (Artist)
//	{copyright}       from EXIF (Copyright)
//	{{ and }}         a literal brace
//
// Everything else is literal text.
type Template struct {
	text  string
	parts []tmplPart
	uses  FieldSet
}

// tmplPart is literal text (field == "") or a field with its arguments.
type tmplPart struct {
	lit   string
	field string
	pos   int // 1-based character position of the "{", for messages
	// n: width and start; date: layout
	width, start int
	layout       string
}

// FieldSet says which fields a template (or a pipeline) uses, so that a
// file's fields are read only when something needs them.
type FieldSet uint16

const (
	UsesPath FieldSet = 1 << iota // name, ext, folder: from the source's path
	UsesN                         // the batch counter
	UsesDate                      // EXIF DateTimeOriginal, else the file's time
	UsesEXIF                      // camera, lens, artist, copyright
	UsesSize                      // the output's width and height
)

// FromFile are the fields read from inside the file (EXIF, its time) or
// known only once it is processed (the output's size): a batch's plan
// cannot know them before the file is read.
const FromFile = UsesDate | UsesEXIF | UsesSize

var fieldUses = map[string]FieldSet{
	"name": UsesPath, "ext": UsesPath, "folder": UsesPath, "n": UsesN,
	"date": UsesDate, "year": UsesDate, "width": UsesSize, "height": UsesSize,
	"camera": UsesEXIF, "lens": UsesEXIF, "artist": UsesEXIF, "copyright": UsesEXIF,
}

// TemplateFields lists the field names in the order the documentation gives.
var TemplateFields = []string{"name", "ext", "folder", "n", "date", "year", "width", "height", "camera", "lens", "artist", "copyright"}

// DefaultDateLayout is {date}'s layout.
const DefaultDateLayout = "2006-01-02"

// TemplateError is a problem in a template's text, at a character position
// (1-based), so that an editor can point at it.
type TemplateError struct {
	Text string
	Pos  int
	Msg  string
}

func (e *TemplateError) Error() string {
	return fmt.Sprintf("template %q, character %d: %s", e.Text, e.Pos, e.Msg)
}

// ParseTemplate reads a template; unknown fields, bad arguments and
// unbalanced braces are errors that say where they are.
func ParseTemplate(text string) (*Template, error) {
	t := &Template{text: text}
	var lit strings.Builder
	bad := func(pos int, format string, args ...any) error {
		return &TemplateError{Text: text, Pos: pos, Msg: fmt.Sprintf(format, args...)}
	}
	for i := 0; i < len(text); {
		pos := utf8.RuneCountInString(text[:i]) + 1
		switch c := text[i]; {
		case c == '{' && strings.HasPrefix(text[i:], "{{"), c == '}' && strings.HasPrefix(text[i:], "}}"):
			lit.WriteByte(c)
			i += 2
		case c == '}':
			return nil, bad(pos, "a \"}\" without its \"{\" (write }} for a brace)")
		case c == '{':
			end := strings.IndexAny(text[i+1:], "{}")
			if end < 0 || text[i+1+end] == '{' {
				return nil, bad(pos, "a \"{\" without its \"}\" (write {{ for a brace)")
			}
			part, err := parseField(text[i+1:i+1+end], pos)
			if err != nil {
				return nil, bad(pos, "%v", err)
			}
			if lit.Len() > 0 {
				t.parts = append(t.parts, tmplPart{lit: lit.String()})
				lit.Reset()
			}
			t.parts = append(t.parts, part)
			t.uses |= fieldUses[part.field]
			i += end + 2
		default:
			lit.WriteByte(c)
			i++
		}
	}
	if lit.Len() > 0 {
		t.parts = append(t.parts, tmplPart{lit: lit.String()})
	}
	return t, nil
}

// parseField reads "name" or "name:args" between braces.
func parseField(inner string, pos int) (tmplPart, error) {
	name, args, hasArgs := strings.Cut(inner, ":")
	name = strings.ToLower(strings.TrimSpace(name))
	p := tmplPart{field: name, pos: pos}
	if _, ok := fieldUses[name]; !ok {
		return p, fmt.Errorf("unknown field {%s} (known: %s)", inner, strings.Join(TemplateFields, ", "))
	}
	switch {
	case name == "n":
		p.width, p.start = 0, 1
		if !hasArgs {
			return p, nil
		}
		w, s, hasStart := strings.Cut(args, ":")
		if w != "" {
			n, err := strconv.Atoi(w)
			if err != nil || n < 0 || n > 12 {
				return p, fmt.Errorf("{n:%s}: the width must be a number of digits, 0 to 12", args)
			}
			p.width = n
		}
		if hasStart {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n > 1e12 {
				return p, fmt.Errorf("{n:%s}: the start must be a whole number from 0", args)
			}
			p.start = n
		}
	case name == "date":
		p.layout = DefaultDateLayout
		if hasArgs {
			if strings.TrimSpace(args) == "" {
				return p, fmt.Errorf("{date:}: give a layout such as 2006-01-02, or write {date}")
			}
			p.layout = args
		}
	case hasArgs:
		return p, fmt.Errorf("{%s} takes no argument", name)
	}
	return p, nil
}

// String returns the template's text.
func (t *Template) String() string { return t.text }

// Uses says which fields the template reads.
func (t *Template) Uses() FieldSet { return t.uses }

// Has reports whether the template uses the named field.
func (t *Template) Has(field string) bool {
	for _, p := range t.parts {
		if p.field == field {
			return true
		}
	}
	return false
}

// Text expands the template for text drawn on an image (a watermark):
// values from inside the file keep their separators, lose their control
// characters and are cut to maxFieldLen bytes.
func (t *Template) Text(f *Fields) string { return t.expand(f, cleanText) }

// Name expands the template for a file name: every value read from inside
// the file is made safe to stand in a name (see SafeName); the source's
// name, extension and folder are names already and stay as they are;
// literal text is the template's own.
func (t *Template) Name(f *Fields) string { return t.expand(f, SafeName) }

// expand writes the template with each value from inside the file passed
// through clean.
func (t *Template) expand(f *Fields, clean func(string) string) string {
	var b strings.Builder
	for _, p := range t.parts {
		switch {
		case p.field == "":
			b.WriteString(p.lit)
		case fieldUses[p.field]&FromFile != 0:
			b.WriteString(clean(f.value(p)))
		default:
			b.WriteString(f.value(p))
		}
	}
	return b.String()
}

// key expands the template for a batch's plan (see compiledOutput.planKey):
// fields from the path as in Name, each field read from inside the file as
// a NUL-delimited marker of itself (a marker SafeName never makes), the
// output's size marked as output out's own.
func (t *Template) key(f *Fields, out int) string {
	var b strings.Builder
	for _, p := range t.parts {
		switch u := fieldUses[p.field]; {
		case p.field == "":
			b.WriteString(p.lit)
		case u == UsesSize:
			fmt.Fprintf(&b, "\x00%s#%d\x00", p.field, out)
		case u&FromFile != 0:
			fmt.Fprintf(&b, "\x00%s:%s\x00", p.field, p.layout)
		default:
			b.WriteString(f.value(p))
		}
	}
	return b.String()
}

// maxFieldLen bounds one value taken from a file, in bytes.
const maxFieldLen = 64

// SafeName makes a value taken from inside a file (an EXIF Model of
// "../../x") safe to stand in a file name: no path separators or characters
// Windows refuses (they become "_"), no control characters, no "..", no dot
// or space at either end (hidden files, names Windows cannot hold), at most
// maxFieldLen bytes. It can be "".
func SafeName(v string) string {
	v = cleanText(v)
	v = strings.Map(func(r rune) rune {
		switch r {
		case '/', '\\', ':', '*', '?', '"', '<', '>', '|':
			return '_'
		}
		return r
	}, v)
	for strings.Contains(v, "..") {
		v = strings.ReplaceAll(v, "..", "_")
	}
	return strings.Trim(v, ". ")
}

// cleanText drops control characters and invalid UTF-8 and cuts v to
// maxFieldLen bytes at a character boundary.
func cleanText(v string) string {
	v = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(v, ""))
	return strings.TrimSpace(utf8cut.Cut(v, maxFieldLen))
}

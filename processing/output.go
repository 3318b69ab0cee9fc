package processing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/picpool/picpool/codec"
)

// OnExists says what to do when an output file already exists.
type OnExists string

const (
	Skip      OnExists = "skip"      // leave the existing file, report the input as skipped
	Overwrite OnExists = "overwrite" // replace it (atomically)
	Rename    OnExists = "rename"    // write "name-1.ext", "name-2.ext", … instead
)

// ParseOnExists reads skip, overwrite or rename ("" is skip).
func ParseOnExists(s string) (OnExists, error) {
	switch OnExists(strings.ToLower(strings.TrimSpace(s))) {
	case "", Skip:
		return Skip, nil
	case Overwrite:
		return Overwrite, nil
	case Rename:
		return Rename, nil
	}
	return "", fmt.Errorf("unknown on-exists policy %q (use skip, overwrite or rename)", s)
}

// Naming decides where an output goes.
type Naming struct {
	Dir    string // the output folder
	Prefix string // added before the base name
	Suffix string // added after the base name, before the extension
	// Flat writes every output directly in Dir; by default the source's
	// path relative to its input folder is kept.
	Flat bool
	// Template makes the base name from the file's fields (see Template);
	// "" is "{name}", the source's name. A "/" in its literal text makes
	// sub-folders ("{date:2006}/{name}").
	Template string `json:",omitempty"`
}

// Target returns the output path for a source written in format f, for
// templates that need nothing from inside the file; fields read from the
// file ({date}, {camera}, {width}…) are empty here. An invalid template
// counts as "{name}" (NewProcessor refuses it). The clash number is the
// first output's (see Processor.Target for the others).
func (n Naming) Target(src Source, f codec.Format) string {
	nm, err := n.compile()
	if err != nil {
		nm, _ = Naming{Dir: n.Dir, Prefix: n.Prefix, Suffix: n.Suffix, Flat: n.Flat}.compile()
	}
	fields := PathFields(src)
	return nm.target(src, f, src.dup(0), &fields)
}

// namer is a Naming with its template parsed.
type namer struct {
	Naming
	t *Template
}

// compile parses and checks the template: its literal text may make
// sub-folders ("/") but never leave the output folder, and it must give a
// name.
func (n Naming) compile() (namer, error) {
	text := n.Template
	if text == "" {
		text = "{name}"
	}
	t, err := ParseTemplate(text)
	if err != nil {
		return namer{}, err
	}
	// The literal text alone, with every field standing for "x".
	var shape strings.Builder
	for _, p := range t.parts {
		if p.field == "" {
			shape.WriteString(p.lit)
		} else {
			shape.WriteString("x")
		}
	}
	bad := func(msg string) error { return &TemplateError{Text: text, Pos: 1, Msg: msg} }
	switch sh := shape.String(); {
	case strings.ContainsAny(sh, "\\\x00"):
		return namer{}, bad("a name cannot hold \\ or NUL (write / for sub-folders)")
	case strings.HasPrefix(sh, "/"):
		return namer{}, bad("a name cannot start with / (folders are relative to the output folder)")
	case strings.HasSuffix(sh, "/") || strings.Contains(sh, "//"):
		return namer{}, bad("an empty folder or file name (a / at the end, or //)")
	case strings.TrimSpace(n.Prefix+strings.ReplaceAll(sh, "/", "")+n.Suffix) == "":
		return namer{}, bad("the name is empty")
	default:
		for _, part := range strings.Split(sh, "/") {
			if strings.Trim(part, ". ") == "" {
				return namer{}, bad(fmt.Sprintf("%q cannot be a folder or file name (no .. or names of dots alone)", part))
			}
		}
	}
	return namer{Naming: n, t: t}, nil
}

// target returns the output path for a source in format f: Dir, the
// source's sub-folder (unless Flat), then Prefix + the template + Suffix and
// the format's extension. dup > 0 numbers a name the batch's plan found
// taken: "{name}" becomes "name-<dup>", or a template without {name} ends
// with "-<dup>".
func (n namer) target(src Source, f codec.Format, dup int, fields *Fields) string {
	return n.place(src, f, n.base(fields, dup, (*Template).Name))
}

// base expands the template with the clash number dup.
func (n namer) base(fields *Fields, dup int, expand func(*Template, *Fields) string) string {
	named := n.t.Has("name")
	if dup > 0 && named {
		cp := *fields
		cp.Name += "-" + strconv.Itoa(dup)
		fields = &cp
	}
	name := expand(n.t, fields)
	if dup > 0 && !named {
		name += "-" + strconv.Itoa(dup)
	}
	return name
}

// place puts an expanded name in its folder with the prefix, the suffix
// and the extension.
func (n namer) place(src Source, f codec.Format, name string) string {
	rel := src.Rel
	if rel == "" || n.Flat {
		rel = filepath.Base(src.Path)
	}
	sub, base := path.Split(name)
	return filepath.Join(n.Dir, filepath.Dir(rel), filepath.FromSlash(sub), n.Prefix+base+n.Suffix+f.Ext())
}

// WriteAtomic writes a file through a temporary file in the destination
// folder, flushed to disk and then moved into place, so the output appears
// whole or not at all. The temporary file is removed on any failure or when
// ctx is cancelled before the move. Skip and Rename never replace an existing
// file, even one created by another worker meanwhile: the move is a hard
// link that fails if the name exists. It returns the final path; with Skip
// and an existing output the error has kind ErrExists.
func WriteAtomic(ctx context.Context, dst string, mode OnExists, write func(io.Writer) error) (string, error) {
	return writeAtomic(ctx, dst, mode, false, time.Time{}, write)
}

// writeAtomic is WriteAtomic; with adopt (and Rename), an existing file
// whose bytes are those just written is taken as the output (see
// Settings.AdoptIdentical). A non-zero mtime is given to the file before it
// is moved into place (Settings.KeepDates).
func writeAtomic(ctx context.Context, dst string, mode OnExists, adopt bool, mtime time.Time, write func(io.Writer) error) (string, error) {
	dir := filepath.Dir(dst)
	if mode == Skip {
		if _, err := os.Lstat(dst); err == nil {
			return dst, fileErr(dst, ErrExists, nil, "output exists: %s", dst)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", osError(dst, err, "cannot create the output folder")
	}
	tmp, err := CreateTemp(dir)
	if err != nil {
		return "", osError(dst, err, "cannot write in the output folder")
	}
	tmpName := tmp.Name()
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err := write(tmp); err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			return "", err
		}
		return "", osError(dst, err, "cannot write the output")
	}
	if err := tmp.Sync(); err != nil {
		return "", osError(dst, err, "cannot write the output")
	}
	if err := tmp.Close(); err != nil {
		return "", osError(dst, err, "cannot write the output")
	}
	if err := ctx.Err(); err != nil {
		return "", fileErr(dst, ErrCanceled, err, "canceled")
	}
	if err := os.Chmod(tmpName, 0o644); err != nil {
		return "", osError(dst, err, "cannot write the output")
	}
	if !mtime.IsZero() {
		if err := os.Chtimes(tmpName, time.Time{}, mtime); err != nil {
			return "", osError(dst, err, "cannot set the output's date")
		}
	}
	final, err := publish(tmpName, dst, mode, adopt)
	if err != nil {
		return final, err
	}
	done = true
	return final, nil
}

// publish moves tmp to dst according to mode.
func publish(tmp, dst string, mode OnExists, adopt bool) (string, error) {
	if mode == Overwrite {
		if st, err := os.Stat(dst); err == nil && st.IsDir() {
			return "", fileErr(dst, ErrWrite, nil, "cannot overwrite %s: it is a folder", dst)
		}
		if err := os.Rename(tmp, dst); err != nil {
			return "", osError(dst, err, "cannot move the output into place")
		}
		return dst, nil
	}
	ext := filepath.Ext(dst)
	stem := strings.TrimSuffix(dst, ext)
	for i := 0; i < 10000; i++ {
		name := dst
		if i > 0 {
			name = stem + "-" + strconv.Itoa(i) + ext
		}
		err := os.Link(tmp, name)
		if err == nil {
			os.Remove(tmp)
			return name, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			if isLinkUnsupported(err) {
				return renameNoReplace(tmp, name, mode)
			}
			return "", osError(dst, err, "cannot move the output into place")
		}
		if mode == Skip {
			return name, fileErr(dst, ErrExists, nil, "output exists: %s", dst)
		}
		if adopt {
			if same, _ := sameContent(tmp, name); same {
				os.Remove(tmp)
				return name, nil
			}
		}
	}
	return "", fileErr(dst, ErrWrite, nil, "no free name for %s after 10000 tries", dst)
}

// isLinkUnsupported reports file systems without hard links (FAT, some
// network shares).
func isLinkUnsupported(err error) bool {
	return errors.Is(err, errors.ErrUnsupported) || strings.Contains(err.Error(), "operation not permitted") ||
		strings.Contains(err.Error(), "not supported")
}

// renameNoReplace is the fallback where hard links are not available: check,
// then rename. A file created between the two by another program would be
// replaced; PicPool's own workers never target the same name at once.
func renameNoReplace(tmp, dst string, mode OnExists) (string, error) {
	if _, err := os.Lstat(dst); err == nil {
		if mode == Skip {
			return dst, fileErr(dst, ErrExists, nil, "output exists: %s", dst)
		}
		return "", fileErr(dst, ErrWrite, nil, "output exists: %s", dst)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return "", osError(dst, err, "cannot move the output into place")
	}
	return dst, nil
}

// IsTemp reports whether a file name is one of WriteAtomic's temporary files.
func IsTemp(name string) bool {
	base := filepath.Base(name)
	return strings.HasPrefix(base, ".picpool-") && strings.HasSuffix(base, ".tmp")
}

// sameContent reports whether two files hold the same bytes (a regular file
// each; name is not followed if it is a link).
func sameContent(a, name string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Lstat(name)
	if err != nil || !sb.Mode().IsRegular() || sa.Size() != sb.Size() {
		return false, err
	}
	fa, err := os.Open(a)
	if err != nil {
		return false, err
	}
	defer fa.Close()
	fb, err := os.Open(name)
	if err != nil {
		return false, err
	}
	defer fb.Close()
	ba, bb := make([]byte, 64<<10), make([]byte, 64<<10)
	for {
		na, ea := io.ReadFull(fa, ba)
		nb, eb := io.ReadFull(fb, bb)
		if na != nb || !bytes.Equal(ba[:na], bb[:nb]) {
			return false, nil
		}
		if ea != nil || eb != nil { // both at their end: the sizes are equal
			return ea == io.ErrUnexpectedEOF || ea == io.EOF, nil
		}
	}
}

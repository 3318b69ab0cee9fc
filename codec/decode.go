package codec

import (
	"bufio"
	"bytes"
	"errors"
	"image"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/disintegration/imaging"

	// Decoders for image.Decode: JPEG, PNG and GIF come from the standard
	// library, TIFF and BMP from golang.org/x/image. WebP, HEIC and AVIF
	// are read by PicPool's container parsers and their codecs.
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
)

// Decoded is an image read from a file.
type Decoded struct {
	// Image is upright (EXIF orientation applied) and in the decoder's own
	// type (YCbCr, Gray, NRGBA, …): imaging's filters read any type, so no
	// conversion is paid until a filter runs.
	Image image.Image
	Info  Info
	// Scale is 1, or 2, 4 or 8 when DecodeAtLeast decoded a JPEG at
	// 1/Scale of its size (shrink-on-load): Image is then smaller than
	// Info.Upright() by that factor, rounded up.
	Scale int
	// Meta is what the file carries besides its pixels, for decoders that
	// read it (see Metadata).
	Meta Metadata
	// Frames holds every frame of an animated GIF or WebP, each the whole
	// canvas as shown and upright, when DecodeOptions.AllFrames asked for
	// them (nil otherwise, and for stills); Image is then the first, and
	// Loop the animation's loop count (0: forever).
	Frames []Frame
	Loop   int
	// Warnings are problems that did not stop the decoding, one sentence
	// each ("EXIF dropped: …"), for the file's report.
	Warnings []string
}

// Decode reads, checks and decodes an image file. The header is checked
// first (regular file, non-zero size, pixel limit) so a decompression bomb
// is refused before any pixel memory is allocated. Errors are *FileError.
//
// JPEGs are decoded by libjpeg-turbo in builds that have it (see JPEGCodec),
// into an *image.NRGBA (or *image.Gray, or *image.CMYK for CMYK and YCCK);
// a file it refuses or warns about (truncated, damaged) goes to Go's decoder, which either decodes it
// or says what is wrong, so errors are the same in every build.
func Decode(path string, opts DecodeOptions) (*Decoded, error) {
	return DecodeAtLeast(path, opts, 0, 0)
}

// DecodeAtLeast is Decode for a caller that shrinks the image to w x h (its
// upright size) straight away: with libjpeg-turbo, a JPEG at least twice as
// large is decoded at 1/2, 1/4 or 1/8 scale in the DCT, the smallest of those
// whose size is still at least w x h (see Decoded.Scale), which is several
// times faster and smaller than decoding it whole. A HEIC (cgo builds) is
// decoded whole by libheif but converted to RGB at that scale, each pixel
// the mean of a block, so that its full-size RGB image is never made. Other
// formats, smaller reductions, and builds without the C libraries decode at
// full size.
func DecodeAtLeast(path string, opts DecodeOptions, w, h int) (*Decoded, error) {
	return decodeFile(path, opts, w, h, turboJPEG)
}

// decodeFile is DecodeAtLeast; fast false keeps JPEGs on Go's decoder (tests
// compare the two paths in one build).
func decodeFile(path string, opts DecodeOptions, w, h int, fast bool) (*Decoded, error) {
	m, _, err := Open(path, opts)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	return m.decode(w, h, fast)
}

// File is an open image file whose header has been read and checked, so a
// caller can decide from the header (output name, size limits, shrink-on-load)
// and then decode the same file without opening or reading the header again.
type File struct {
	path  string
	f     *os.File
	size  int64
	mtime time.Time
	info  Info
	opts  DecodeOptions
	container
}

// Open opens a regular file and checks its header (see Probe). On a
// header error the file is closed and Info holds what the header told.
// Close the File when done; Decode may be called once.
func Open(path string, opts DecodeOptions) (*File, Info, error) {
	f, st, err := openRegular(path)
	if err != nil {
		return nil, Info{}, err
	}
	info, c, err := probe(path, f, st.Size(), opts)
	if err != nil {
		f.Close()
		return nil, info, err
	}
	return &File{path: path, f: f, size: st.Size(), mtime: st.ModTime(), info: info, opts: opts, container: c}, info, nil
}

// Close closes the file (the decoded pixels stay valid).
func (m *File) Close() error { return m.f.Close() }

// ModTime is the file's modification time when it was opened.
func (m *File) ModTime() time.Time { return m.mtime }

// Decode decodes the file, at a reduced JPEG scale no smaller than w x h when
// the build has libjpeg-turbo (see DecodeAtLeast); 0, 0 decodes at full size.
func (m *File) Decode(w, h int) (*Decoded, error) { return m.decode(w, h, turboJPEG) }

// decode decodes the file, at a reduced JPEG scale no smaller than w x h
// when fast (libjpeg-turbo) allows it.
func (m *File) decode(w, h int, fast bool) (*Decoded, error) {
	path, f, info, opts := m.path, m.f, m.info, m.opts
	switch {
	case m.heif != nil:
		return m.decodeHEIF(w, h)
	case m.webp != nil:
		return m.decodeWebP()
	case info.Format == "gif" && opts.AllFrames:
		return m.decodeGIF()
	}
	var marks jpegMarkers
	if info.Format == "jpeg" {
		marks = readJPEGMarkers(f, m.size)
	}
	if info.Format == "jpeg" && fast {
		if d := decodeTurbo(f, m.size, info, w, h, marks.Adobe); d != nil {
			return d, nil
		}
	}
	if m.cmykTIFF != nil {
		img, err := decodeTIFFCMYK(path, f, m.size, m.cmykTIFF)
		if err != nil {
			return nil, err
		}
		d := &Decoded{Image: img, Info: info, Scale: 1}
		d.Meta, d.Warnings = readMetadata(info.Format, f, m.size)
		if len(d.Meta.ICC) == 0 {
			d.Meta.ICC = m.cmykTIFF.icc
		}
		return d, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, osError(path, err, "cannot read")
	}
	img, _, err := image.Decode(bufio.NewReaderSize(f, 64<<10))
	if err != nil {
		if info.Format == "jpeg" && !endsWith(f, m.size, []byte{0xFF, 0xD9}) {
			return nil, fileErr(path, ErrTruncated, err, "truncated JPEG: the file ends before the image does (%v)", strings.TrimPrefix(err.Error(), "invalid JPEG format: "))
		}
		return nil, decodeError(path, info.Format, err, false)
	}
	if b := img.Bounds(); b.Dx() != info.Width || b.Dy() != info.Height {
		return nil, fileErr(path, ErrCorrupt, nil, "corrupt %s: header says %dx%d, data holds %dx%d", strings.ToUpper(info.Format), info.Width, info.Height, b.Dx(), b.Dy())
	}
	if !opts.NoOrientation {
		img = Orient(img, info.Orientation)
	}
	d := &Decoded{Image: img, Info: info, Scale: 1}
	d.Meta, d.Warnings = readMetadata(info.Format, f, m.size)
	return d, nil
}

// decodeTurbo decodes a JPEG with libjpeg-turbo, at the smallest of 1/8,
// 1/4, 1/2 and full scale whose upright size is at least w x h. CMYK and
// YCCK JPEGs become an *image.CMYK (0 = no ink), inverted back when adobe
// says the file was written Adobe's way (see jpegMarkers). It returns nil
// when libjpeg-turbo cannot or should not decode the file: a file far larger
// than its pixels could need (it would be read into memory whole), or any
// error or warning (truncated or damaged data); Go's decoder then decodes it
// or says what is wrong.
func decodeTurbo(f *os.File, size int64, info Info, w, h int, adobe bool) *Decoded {
	if size > 16*info.Pixels()+64<<20 {
		return nil
	}
	data := make([]byte, size)
	if _, err := f.ReadAt(data, 0); err != nil {
		return nil
	}
	hd, err := turboHeader(data)
	if err != nil || hd.Width != info.Width || hd.Height != info.Height {
		return nil
	}
	// The scale applies to the stored image, before orientation.
	if info.Orientation >= 5 && info.Orientation <= 8 {
		w, h = h, w
	}
	denom := 1
	if w > 0 || h > 0 {
		for _, d := range []int{8, 4, 2} {
			if turboScaled(hd.Width, d) >= w && turboScaled(hd.Height, d) >= h {
				denom = d
				break
			}
		}
	}
	img, err := turboDecode(data, hd, denom)
	if err != nil {
		return nil
	}
	if c, ok := img.(*image.CMYK); ok && adobe {
		for i, v := range c.Pix {
			c.Pix[i] = 255 - v
		}
	}
	// Orientation is 1 when DecodeOptions.NoOrientation is set (probe
	// reads it only otherwise).
	d := &Decoded{Image: Orient(img, info.Orientation), Info: info, Scale: denom}
	d.Meta, d.Warnings = readMetadata("jpeg", bytes.NewReader(data), size)
	return d
}

// endsWith reports whether the file's last bytes are tail (a complete JPEG
// ends with its EOI marker).
func endsWith(f io.ReaderAt, size int64, tail []byte) bool {
	if size < int64(len(tail)) {
		return false
	}
	buf := make([]byte, len(tail))
	if _, err := f.ReadAt(buf, size-int64(len(tail))); err != nil {
		return false
	}
	return string(buf) == string(tail)
}

// Orient turns an image stored with the given EXIF orientation upright. A
// CMYK image stays CMYK (its pixels are moved as they are: it is converted
// to RGB later, with its profile).
func Orient(img image.Image, orientation int) image.Image {
	if c, ok := img.(*image.CMYK); ok && orientation >= 2 && orientation <= 8 {
		n := Orient(&image.NRGBA{Pix: c.Pix, Stride: c.Stride, Rect: c.Rect}, orientation).(*image.NRGBA)
		return &image.CMYK{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
	}
	switch orientation {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img)
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}

// decodeError turns a decoder's error into a FileError a person can read.
func decodeError(path, format string, err error, header bool) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	name := strings.ToUpper(format)
	if name == "" {
		name = "image"
	}
	var pe *fs.PathError
	switch {
	case errors.Is(err, image.ErrFormat):
		return fileErr(path, ErrNotImage, err, "not an image (or a format PicPool does not read: it reads JPEG, PNG, GIF, TIFF, BMP, WebP, HEIC/HEIF and AVIF)")
	case errors.As(err, &pe):
		return osError(path, err, "cannot read")
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		if header {
			return fileErr(path, ErrTruncated, err, "truncated %s: the file ends inside its header", name)
		}
		return fileErr(path, ErrTruncated, err, "truncated %s: the file ends before the image data does", name)
	}
	msg := err.Error()
	for _, p := range []string{"image: ", "jpeg: ", "png: ", "gif: ", "tiff: ", "bmp: ", "webp: ", "invalid JPEG format: ", "invalid format: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	if strings.Contains(msg, "unsupported") {
		return fileErr(path, ErrNotImage, err, "unsupported %s variant: %s", name, msg)
	}
	return fileErr(path, ErrCorrupt, err, "corrupt %s: %s", name, msg)
}

// TurboJPEG says whether this build has libjpeg-turbo: the fast JPEG codec and
// shrink-on-load (see JPEGCodec).
const TurboJPEG = turboJPEG

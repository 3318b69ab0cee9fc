package processing

import (
	"bytes"
	"context"
	"image"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

// The search on a model encoder (size exponential in quality, as JPEG's
// nearly is): at most maxQualityEncodes encodes, the quality found fits and
// is the best or within two steps of it, whatever the target.
func TestSizeSearchBound(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 10, 10))
	size := func(q int) int { return int(2000 * math.Exp(float64(q)/18)) }
	worst := 0
	for limit := int64(1000); limit < 300000; limit = limit*11/10 + 1 {
		var calls int
		enc := func(_ image.Image, q int) ([]byte, error) { calls++; return make([]byte, size(q)), nil }
		st := SizeTarget{Max: limit}
		r, err := st.fit(img, 90, enc)
		best := 0
		for q := 90; q >= DefaultMinQuality; q-- {
			if int64(size(q)) <= limit {
				best = q
				break
			}
		}
		switch {
		case best == 0:
			// Too big at the floor: scaled down (the model ignores it) and
			// then given up, saying so.
			if KindOf(err) != ErrOverSize {
				t.Errorf("max %d: %v, want over size", limit, err)
			}
			continue
		case err != nil:
			t.Errorf("max %d: %v", limit, err)
		case int64(len(r.data)) > limit || r.quality > best || r.quality < best-2:
			t.Errorf("max %d: quality %d (%d bytes), best %d", limit, r.quality, len(r.data), best)
		case calls > maxQualityEncodes:
			t.Errorf("max %d: %d encodes", limit, calls)
		}
		worst = max(worst, best-r.quality)
	}
	t.Logf("worst distance from the best quality: %d", worst)
}

// A real JPEG under a target: the bytes fit, the quality is reported and
// is near the best (a quality three steps higher is too big).
func TestSizeTargetJPEG(t *testing.T) {
	src := Source{Path: imgtest.Path(t, "photos", "Landscape_5.jpg"), Rel: "Landscape_5.jpg"}
	out := t.TempDir()
	const max = 300 << 10
	p, err := NewProcessor(Settings{Format: codec.JPEG, Naming: Naming{Dir: out}, Size: SizeTarget{Max: max}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Process(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := res.Outputs[0]
	st, _ := os.Stat(o.Output)
	if st.Size() > max || st.Size() != o.BytesOut || o.Quality >= 90 || o.Quality < DefaultMinQuality || o.Width != 1800 {
		t.Fatalf("%d bytes at quality %d, %dx%d", st.Size(), o.Quality, o.Width, o.Height)
	}
	img := decodeFile(t, src.Path)
	var buf bytes.Buffer
	codec.Encode(&buf, img, codec.EncodeOptions{Format: codec.JPEG, Quality: o.Quality + 3})
	if buf.Len() <= max {
		t.Errorf("quality %d: %d bytes also fit: the search stopped early", o.Quality+3, buf.Len())
	}
	t.Logf("%d KB at quality %d", st.Size()>>10, o.Quality)
}

// When the floor quality is too big: scaled down until it fits (JPEG and
// PNG, which has no quality), or failed with NoScale.
func TestSizeTargetScalesDown(t *testing.T) {
	for _, c := range []struct {
		format codec.Format
		max    int64
	}{{codec.JPEG, 12 << 10}, {codec.PNG, 150 << 10}, {codec.BMP, 300 << 10}} {
		src := Source{Path: imgtest.Path(t, "photos", "Portrait_1.jpg"), Rel: "Portrait_1.jpg"}
		p, err := NewProcessor(Settings{Chain: mustChain(t, "resize=800x0"), Format: c.format, Naming: Naming{Dir: t.TempDir(), Template: "{name}_{width}"},
			Size: SizeTarget{Max: c.max}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Process(context.Background(), src, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.format, err)
		}
		o := res.Outputs[0]
		st, _ := os.Stat(o.Output)
		if st.Size() > c.max || o.Width >= 800 || o.Width < 100 || decodeFile(t, o.Output).Bounds().Dx() != o.Width {
			t.Errorf("%s: %d bytes at %dx%d", c.format, st.Size(), o.Width, o.Height)
		}
		// The name has the size reached, not the one planned.
		if filepath.Base(o.Output) != "Portrait_1_"+strconv.Itoa(o.Width)+c.format.Ext() {
			t.Errorf("%s: named %s at width %d", c.format, filepath.Base(o.Output), o.Width)
		}
		t.Logf("%s: %d KB at %dx%d, quality %d", c.format, st.Size()>>10, o.Width, o.Height, o.Quality)
	}
}

// Only if smaller: a re-encode that is not smaller than its source gives
// the source's bytes; a smaller one is kept; an output of another size or
// format is never replaced by the source.
func TestOnlyIfSmaller(t *testing.T) {
	path := imgtest.Path(t, "photos", "Landscape_1.jpg")
	orig, _ := os.ReadFile(path)
	for _, c := range []struct {
		chain   string
		format  codec.Format
		quality int
		copied  bool
	}{
		{"", codec.SameFormat, 100, true}, // quality 100 of a camera JPEG: larger
		{"", codec.JPEG, 50, false},       // smaller: kept
		{"resize=1000x0", codec.JPEG, 100, false},
		{"", codec.PNG, 0, false},
	} {
		p, err := NewProcessor(Settings{Chain: mustChain(t, c.chain), Format: c.format, Quality: c.quality, Naming: Naming{Dir: t.TempDir()}, OnlyIfSmaller: true})
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Process(context.Background(), Source{Path: path, Rel: "a.jpg"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(res.Output)
		if res.Outputs[0].Copied != c.copied || bytes.Equal(got, orig) != c.copied || (c.copied && res.Outputs[0].Quality != 0) {
			t.Errorf("%+v: copied %v, %d bytes (source %d)", c, res.Outputs[0].Copied, len(got), len(orig))
		}
	}
}

// Only if smaller never brings back what the metadata policy removed or
// the colour side changed: a photo with GPS and an Adobe RGB profile,
// recompressed larger, keeps its re-encoded bytes without the location
// (the default policy) or in sRGB (the default colour), and is copied only
// when all is kept, colours included.
func TestOnlyIfSmallerKeepsThePolicy(t *testing.T) {
	photo := imgtest.Tagged(t, t.TempDir(), "jpeg")
	for _, c := range []struct {
		policy MetadataPolicy
		color  codec.ColorMode
		copied bool
	}{{KeepNoLocation, codec.ColorKeep, false}, {StripAll, codec.ColorKeep, false}, {KeepAll, codec.ColorKeep, true}, {KeepAll, codec.ColorSRGB, !codec.ColorManaged}} {
		p, err := NewProcessor(Settings{Quality: 100, Naming: Naming{Dir: t.TempDir()}, OnlyIfSmaller: true, Metadata: c.policy, Color: c.color})
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Process(context.Background(), Source{Path: photo, Rel: "a.jpg"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(res.Output)
		if res.Outputs[0].Copied != c.copied || bytes.Contains(got, []byte(imgtest.Secret)) != (c.policy == KeepAll) {
			t.Errorf("%s, %s: copied %v, the GPS secret in the output %v", c.policy, c.color, res.Outputs[0].Copied, bytes.Contains(got, []byte(imgtest.Secret)))
		}
	}
}

// WebP and AVIF have a quality knob too: the target searches it, from the
// format's default down (not when written losslessly: then it scales).
func TestSizeTargetWebPAndAVIF(t *testing.T) {
	src := Source{Path: imgtest.Path(t, "photos", "Landscape_3.jpg"), Rel: "Landscape_3.jpg"}
	for _, c := range []struct {
		format   codec.Format
		lossless bool
		max      int64
	}{{codec.WEBP, false, 30 << 10}, {codec.AVIF, false, 15 << 10}, {codec.WEBP, true, 60 << 10}} {
		p, err := NewProcessor(Settings{Chain: mustChain(t, "resize=600x0"), Format: c.format, Lossless: c.lossless, AVIFSpeed: 10,
			Naming: Naming{Dir: t.TempDir()}, Size: SizeTarget{Max: c.max}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Process(context.Background(), src, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.format, err)
		}
		o := res.Outputs[0]
		st, _ := os.Stat(o.Output)
		switch {
		case st.Size() > c.max:
			t.Errorf("%s: %d bytes over %d", c.format, st.Size(), c.max)
		case !c.lossless && (o.Quality == 0 || o.Quality >= c.format.DefaultQuality() || o.Width != 600):
			t.Errorf("%s: quality %d at %dx%d: not searched", c.format, o.Quality, o.Width, o.Height)
		case c.lossless && (o.Quality != 0 || o.Width >= 600):
			t.Errorf("%s lossless: quality %d at %dx%d: want scaled down", c.format, o.Quality, o.Width, o.Height)
		}
		t.Logf("%s (lossless %v): %d KB, quality %d, %dx%d", c.format, c.lossless, st.Size()>>10, o.Quality, o.Width, o.Height)
	}
}

package processing

import (
	"context"
	"image"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

// processTo runs one file through a processor with the given chain and
// colour mode, written as BMP (lossless, and quick to write under the race
// detector) into a temporary folder, and
// returns the decoded output and the result.
func processTo(t *testing.T, path, chain string, mode codec.ColorMode) (image.Image, Result) {
	t.Helper()
	p, err := NewProcessor(Settings{Chain: mustChain(t, chain), Format: codec.BMP, Naming: Naming{Dir: t.TempDir()}, Color: mode})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Process(context.Background(), Source{Path: path, Rel: filepath.Base(path)}, nil)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out, err := codec.Decode(res.Output, codec.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out.Image, res
}

// TestColorMatchesLCMS is the oracle test: photos in Adobe RGB, ProPhoto,
// Wide Gamut, a LUT-based RGB profile, gray and CMYK (ICC versions 2 and 4),
// made with lcms2's own tools, come out of PicPool in sRGB within a mean
// ΔE2000 of 1.0 and a 99th percentile of 3.0 of lcms2's conversion (tificc),
// with no filters and with a resize (PicPool converts after it; the
// reference is lcms2's full-size conversion resized the same way). The same
// files left unconverted (-color keep) are far off, so the test can fail.
func TestColorMatchesLCMS(t *testing.T) {
	if !codec.ColorManaged {
		t.Skip("this build has no colour management (" + codec.ColorEngine() + ")")
	}
	imgtest.Testdata(t)
	step := 2 // every 4th pixel
	if imgtest.Race {
		step = 5 // every 25th: ΔE2000 in Go is slow under the race detector
	}
	for i, c := range imgtest.ColorCases(t) {
		if imgtest.Race && i%3 != 0 {
			continue // a third of the cases: make test runs them all without -race
		}
		t.Run(c.Name, func(t *testing.T) {
			ref, err := codec.Decode(c.Ref, codec.DecodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			check := func(what string, got, want image.Image) (float64, float64) {
				t.Helper()
				mean, p99, n := imgtest.DeltaEStats(got, want, step)
				t.Logf("%s, %s: ΔE2000 mean %.3f, 99th percentile %.3f over %d pixels", c.Profile, what, mean, p99, n)
				return mean, p99
			}
			out, res := processTo(t, c.Input, "", "")
			if mean, p99 := check("no filters", out, ref.Image); mean > 1 || p99 > 3 {
				t.Errorf("%s: mean ΔE2000 %.2f (at most 1), 99th percentile %.2f (at most 3)", c.Name, mean, p99)
			}
			if c.Converted != strings.HasPrefix(res.Color, "converted from") || len(res.Warnings) > 0 {
				t.Errorf("report: color %q, warnings %q", res.Color, res.Warnings)
			}
			// 400 of 600 pixels: no shrink-on-load for the JPEGs (the
			// reference is a TIFF), so that only the order of the
			// conversion and the resize differs.
			const resize = "resize=400x0"
			small, _ := processTo(t, c.Input, resize, "")
			refSmall, _ := processTo(t, c.Ref, resize, "")
			if mean, p99 := check(resize, small, refSmall); mean > 1 || p99 > 3 {
				t.Errorf("%s with %s: mean ΔE2000 %.2f (at most 1), 99th percentile %.2f (at most 3)", c.Name, resize, mean, p99)
			}
			if !c.Converted || strings.HasPrefix(c.Name, "gray") {
				return // gray profiles of gamma 2.2 are close to sRGB's curve
			}
			kept, res := processTo(t, c.Input, "", codec.ColorKeep)
			if mean, _ := check("kept, not converted", kept, ref.Image); mean < 1.5 && !strings.HasPrefix(c.Name, "cmyk") {
				t.Errorf("%s left unconverted is only %.2f from sRGB: the test could not tell", c.Name, mean)
			}
			if !strings.HasPrefix(c.Name, "cmyk") && !strings.HasPrefix(res.Color, "kept the profile") {
				t.Errorf("keep: report says %q", res.Color)
			}
		})
	}
}

// Command bench-compare is the Go half of scripts/bench-compare.sh (run it
// with `make bench-compare`): it makes the reference job's input images,
// measures the quality of each tool's outputs against a full-precision
// reference resize, and prints the side-by-side table.
//
//	go run ./scripts/bench-compare gen DIR            8 reference JPEGs into DIR
//	go run ./scripts/bench-compare quality SRC OUT... PSNR and SSIM of each OUT folder
//	go run ./scripts/bench-compare table RUNS QUALITY [BASE] the Markdown table
//
// scripts/bench-formats.sh uses quality and table too: its outputs are
// WebP and AVIF as well (decoded by PicPool's codec package), and its
// tables compare with the tool named BASE (default: mogrify and
// vipsthumbnail).
package main

import (
	"bufio"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing/photogen"
)

// The reference job: eight 4000x3000 JPEGs resized to this width.
const (
	images   = 8
	outWidth = 1920
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch args := os.Args[2:]; os.Args[1] {
	case "gen":
		if len(args) != 1 {
			usage()
		}
		err = gen(args[0])
	case "quality":
		if len(args) < 2 {
			usage()
		}
		err = quality(args[0], args[1:])
	case "table":
		if len(args) != 2 && len(args) != 3 {
			usage()
		}
		err = table(args[0], args[1], args[2:]...)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-compare:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: bench-compare gen DIR | quality SRC OUT... | table RUNS QUALITY [BASE]")
	os.Exit(2)
}

// ---- gen ----

// gen writes ref-1.jpg .. ref-8.jpg, each from another shared photo
// (Landscape_1..8, made upright) with its own seed. The images depend only
// on the photos and Go's encoder: Go's decoder is used in every build.
func gen(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	photos := filepath.Join("..", "shared", "testdata", "photos")
	var wg sync.WaitGroup
	errs := make([]error, images)
	sem := make(chan struct{}, runtime.NumCPU())
	for i := 1; i <= images; i++ {
		out := filepath.Join(dir, fmt.Sprintf("ref-%d.jpg", i))
		if cfg, err := decodeConfig(out); err == nil && cfg.Width == 4000 && cfg.Height == 3000 {
			continue // made by an earlier run: the same bytes
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i-1] = genOne(filepath.Join(photos, fmt.Sprintf("Landscape_%d.jpg", i)), out, uint64(i))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	var total int64
	for i := 1; i <= images; i++ {
		st, err := os.Stat(filepath.Join(dir, fmt.Sprintf("ref-%d.jpg", i)))
		if err != nil {
			return err
		}
		total += st.Size()
	}
	fmt.Printf("%d reference images in %s: 4000x3000, quality 90, %.3f bytes per pixel on average\n",
		images, dir, float64(total)/images/12e6)
	return nil
}

func genOne(photo, out string, seed uint64) error {
	info, err := codec.Probe(photo, codec.DecodeOptions{})
	if err != nil {
		return err
	}
	src, err := decodeGo(photo)
	if err != nil {
		return err
	}
	data, err := photogen.Reference(codec.Orient(src, info.Orientation), seed)
	if err != nil {
		return fmt.Errorf("%s: %w", photo, err)
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}

func decodeGo(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := jpeg.Decode(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}

// decodeAny decodes JPEG outputs with Go's decoder, as before, and other
// formats with PicPool's codecs.
func decodeAny(path string) (image.Image, error) {
	if strings.HasSuffix(path, ".jpg") {
		return decodeGo(path)
	}
	d, err := codec.Decode(path, codec.DecodeOptions{})
	if err != nil {
		return nil, err
	}
	return d.Image, nil
}

func decodeConfig(path string) (image.Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return image.Config{}, err
	}
	defer f.Close()
	return jpeg.DecodeConfig(f)
}

// ---- quality ----

// quality compares every output folder's ref-N.jpg with a full-precision
// resize of SRC/ref-N.jpg (Lanczos-3 in float32, no rounding between the
// passes) and prints one line per folder: name, PSNR (dB, over R, G and
// B), SSIM (luma, 11x11 Gaussian window), mean output size in bytes.
func quality(src string, outs []string) error {
	type score struct{ psnr, ssim, bytes float64 }
	sums := make([]score, len(outs))
	for i := 1; i <= images; i++ {
		name := fmt.Sprintf("ref-%d.jpg", i)
		in, err := decodeGo(filepath.Join(src, name))
		if err != nil {
			return err
		}
		resized := lanczosFloat(in, outWidth, int(math.Round(float64(in.Bounds().Dy())*outWidth/float64(in.Bounds().Dx()))))
		var full *planes // the source itself, for outputs at its size (made when one is)
		for j, dir := range outs {
			ref := resized
			path := filepath.Join(dir, name)
			if m, _ := filepath.Glob(filepath.Join(dir, strings.TrimSuffix(name, ".jpg")+".*")); len(m) == 1 {
				path = m[0] // another format than JPEG
			}
			out, err := decodeAny(path)
			if err != nil {
				return err
			}
			if out.Bounds().Size() == in.Bounds().Size() {
				if full == nil {
					full = toPlanes(in)
				}
				ref = full
			}
			if out.Bounds().Dx() != ref.w || out.Bounds().Dy() != ref.h {
				return fmt.Errorf("%s is %v, the reference %dx%d", path, out.Bounds().Size(), ref.w, ref.h)
			}
			got := toPlanes(out)
			st, err := os.Stat(path)
			if err != nil {
				return err
			}
			sums[j].psnr += psnr(ref, got)
			sums[j].ssim += ssim(ref.luma(), got.luma(), ref.w, ref.h)
			sums[j].bytes += float64(st.Size())
		}
	}
	for j, dir := range outs {
		fmt.Printf("%s\t%.2f\t%.4f\t%.0f\n", filepath.Base(dir), sums[j].psnr/images, sums[j].ssim/images, sums[j].bytes/images)
	}
	return nil
}

// planes is an RGB image in float32, one plane per channel.
type planes struct {
	w, h int
	c    [3][]float32
}

func toPlanes(img image.Image) *planes {
	b := img.Bounds()
	p := &planes{w: b.Dx(), h: b.Dy()}
	for c := range p.c {
		p.c[c] = make([]float32, p.w*p.h)
	}
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			i := y*p.w + x
			p.c[0][i], p.c[1][i], p.c[2][i] = float32(r>>8), float32(g>>8), float32(bl>>8)
		}
	}
	return p
}

func (p *planes) luma() []float32 {
	l := make([]float32, p.w*p.h)
	for i := range l {
		l[i] = 0.299*p.c[0][i] + 0.587*p.c[1][i] + 0.114*p.c[2][i]
	}
	return l
}

// lanczosFloat resizes with a Lanczos-3 kernel widened by the reduction
// (antialiased), each pass in float32 with nothing rounded or clamped
// until the comparison.
func lanczosFloat(img image.Image, w, h int) *planes {
	src := toPlanes(img)
	mid := &planes{w: w, h: src.h}
	out := &planes{w: w, h: h}
	for c := 0; c < 3; c++ {
		mid.c[c] = resample(src.c[c], src.w, src.h, w, true)
		out.c[c] = resample(mid.c[c], w, src.h, h, false)
	}
	for c := range out.c {
		for i, v := range out.c[c] {
			out.c[c][i] = float32(math.Max(0, math.Min(255, float64(v))))
		}
	}
	return out
}

// resample resizes one plane along x (horizontal) or y to n samples.
func resample(in []float32, w, h, n int, horizontal bool) []float32 {
	size := h
	if horizontal {
		size = w
	}
	scale := float64(size) / float64(n)
	support := 3 * math.Max(1, scale)
	type tap struct {
		at []int
		wt []float32
	}
	taps := make([]tap, n)
	for i := range taps {
		center := (float64(i)+0.5)*scale - 0.5
		lo, hi := int(math.Ceil(center-support)), int(math.Floor(center+support))
		var sum float64
		var t tap
		for j := lo; j <= hi; j++ {
			x := (float64(j) - center) / math.Max(1, scale)
			wt := lanczos3(x)
			if wt == 0 {
				continue
			}
			t.at = append(t.at, min(max(j, 0), size-1))
			t.wt = append(t.wt, float32(wt))
			sum += wt
		}
		for k := range t.wt {
			t.wt[k] /= float32(sum)
		}
		taps[i] = t
	}
	var out []float32
	if horizontal {
		out = make([]float32, n*h)
	} else {
		out = make([]float32, w*n)
	}
	rows := h
	if !horizontal {
		rows = n
	}
	parallelRows(rows, func(y int) {
		if horizontal {
			line := in[y*w : (y+1)*w]
			for i, t := range taps {
				var v float32
				for k, at := range t.at {
					v += line[at] * t.wt[k]
				}
				out[y*n+i] = v
			}
			return
		}
		t := taps[y]
		dst := out[y*w : (y+1)*w]
		for k, at := range t.at {
			src, wt := in[at*w:(at+1)*w], t.wt[k]
			for x := range dst {
				dst[x] += src[x] * wt
			}
		}
	})
	return out
}

func lanczos3(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x == 0:
		return 1
	case x >= 3:
		return 0
	}
	px := math.Pi * x
	return 3 * math.Sin(px) * math.Sin(px/3) / (px * px)
}

func parallelRows(n int, fn func(y int)) {
	var wg sync.WaitGroup
	workers := runtime.NumCPU()
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for y := g; y < n; y += workers {
				fn(y)
			}
		}()
	}
	wg.Wait()
}

func psnr(a, b *planes) float64 {
	var sum float64
	for c := range a.c {
		for i := range a.c[c] {
			d := float64(a.c[c][i] - b.c[c][i])
			sum += d * d
		}
	}
	mse := sum / float64(3*a.w*a.h)
	return 10 * math.Log10(255*255/mse)
}

// ssim is the mean structural similarity of two luma planes (Wang et al.
// 2004: 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, L 255).
func ssim(a, b []float32, w, h int) float64 {
	const radius = 5
	var g [2*radius + 1]float64
	var gs float64
	for i := range g {
		d := float64(i - radius)
		g[i] = math.Exp(-d * d / (2 * 1.5 * 1.5))
		gs += g[i]
	}
	for i := range g {
		g[i] /= gs
	}
	// Separable Gaussian means of a, b, a², b² and ab.
	blur := func(f func(i int) float64) []float64 {
		tmp := make([]float64, w*h)
		out := make([]float64, w*h)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var s float64
				for k := -radius; k <= radius; k++ {
					xx := min(max(x+k, 0), w-1)
					s += g[k+radius] * f(y*w+xx)
				}
				tmp[y*w+x] = s
			}
		}
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var s float64
				for k := -radius; k <= radius; k++ {
					yy := min(max(y+k, 0), h-1)
					s += g[k+radius] * tmp[yy*w+x]
				}
				out[y*w+x] = s
			}
		}
		return out
	}
	var ma, mb, saa, sbb, sab []float64
	var wg sync.WaitGroup
	for i, f := range []func(i int) float64{
		func(i int) float64 { return float64(a[i]) },
		func(i int) float64 { return float64(b[i]) },
		func(i int) float64 { return float64(a[i]) * float64(a[i]) },
		func(i int) float64 { return float64(b[i]) * float64(b[i]) },
		func(i int) float64 { return float64(a[i]) * float64(b[i]) },
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := blur(f)
			switch i {
			case 0:
				ma = r
			case 1:
				mb = r
			case 2:
				saa = r
			case 3:
				sbb = r
			case 4:
				sab = r
			}
		}()
	}
	wg.Wait()
	const c1, c2 = (0.01 * 255) * (0.01 * 255), (0.03 * 255) * (0.03 * 255)
	var sum float64
	for i := range ma {
		va, vb, cov := saa[i]-ma[i]*ma[i], sbb[i]-mb[i]*mb[i], sab[i]-ma[i]*mb[i]
		sum += (2*ma[i]*mb[i] + c1) * (2*cov + c2) / ((ma[i]*ma[i] + mb[i]*mb[i] + c1) * (va + vb + c2))
	}
	return sum / float64(len(ma))
}

// ---- table ----

// table reads the runs (tool, repetition, seconds, peak RSS in KiB, one
// per line, tab-separated) and the quality lines, and prints the Markdown
// table: medians of the timed repetitions, and ratios to mogrify and
// vipsthumbnail measured in the same run.
func table(runsPath, qualityPath string, base ...string) error {
	type row struct {
		secs []float64
		rss  []float64
		q    []string
	}
	rows := map[string]*row{}
	var order []string
	get := func(tool string) *row {
		if r, ok := rows[tool]; ok {
			return r
		}
		rows[tool] = &row{}
		order = append(order, tool)
		return rows[tool]
	}
	err := eachLine(runsPath, func(f []string) error {
		if len(f) != 4 {
			return fmt.Errorf("%s: bad line %q", runsPath, strings.Join(f, "\t"))
		}
		secs, err1 := strconv.ParseFloat(f[2], 64)
		rss, err2 := strconv.ParseFloat(f[3], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("%s: bad line %q", runsPath, strings.Join(f, "\t"))
		}
		r := get(f[0])
		r.secs = append(r.secs, secs)
		r.rss = append(r.rss, rss)
		return nil
	})
	if err != nil {
		return err
	}
	err = eachLine(qualityPath, func(f []string) error {
		if len(f) == 4 {
			get(f[0]).q = f[1:]
		}
		return nil
	})
	if err != nil {
		return err
	}
	speed := func(tool string) float64 {
		if r, ok := rows[tool]; ok && len(r.secs) > 0 {
			return images / median(r.secs)
		}
		return math.NaN()
	}
	magick, vips := speed("mogrify"), speed("vipsthumbnail")
	if len(base) == 1 {
		fmt.Printf("| pipeline | images/s | MP/s | vs %s | peak RSS MiB | output KiB | PSNR dB | SSIM | runs (s) |\n", base[0])
		fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
	} else {
		fmt.Println("| pipeline | images/s | MP/s | vs mogrify | vs vipsthumbnail | peak RSS MiB | output KiB | PSNR dB | SSIM | runs (s) |")
		fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
	}
	for _, tool := range order {
		r := rows[tool]
		if len(r.secs) == 0 {
			continue
		}
		s := speed(tool)
		q := []string{"", "", ""}
		if len(r.q) == 3 {
			size, _ := strconv.ParseFloat(r.q[2], 64)
			q = []string{r.q[0], r.q[1], fmt.Sprintf("%.0f", size/1024)}
		}
		var runs []string
		for _, x := range r.secs {
			runs = append(runs, fmt.Sprintf("%.2f", x))
		}
		if len(base) == 1 {
			fmt.Printf("| %s | %.2f | %.1f | %.2fx | %.0f | %s | %s | %s | %s |\n",
				tool, s, s*12, s/speed(base[0]), median(r.rss)/1024, q[2], q[0], q[1], strings.Join(runs, " "))
			continue
		}
		fmt.Printf("| %s | %.2f | %.1f | %.2fx | %.2fx | %.0f | %s | %s | %s | %s |\n",
			tool, s, s*12, s/magick, s/vips, median(r.rss)/1024, q[2], q[0], q[1], strings.Join(runs, " "))
	}
	return nil
}

func eachLine(path string, fn func(fields []string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := fn(strings.Split(line, "\t")); err != nil {
			return err
		}
	}
	return sc.Err()
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

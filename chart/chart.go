// Package chart draws a benchmark report with gonum.org/v1/plot: bars of
// wall time per worker count (median, with the fastest and slowest run),
// and below them the speed-up over one worker against the ideal linear
// line, with the physical and logical core counts marked and the
// recommended count highlighted. Counts not measured yet keep their place
// on the axis, so a chart redrawn after every run fills in.
package chart

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/picpool/picpool/bench"
)

// Default size of a chart, in pixels, and the resolution its text is set
// at: a 12-point font is 16 pixels high at 96 DPI.
const (
	DefaultWidth  = 1200
	DefaultHeight = 700
	DPI           = 96
	// MinSide and MaxSide bound a chart's sides in pixels.
	MinSide = 200
	MaxSide = 8000
)

// Colours.
var (
	barColor       = color.RGBA{R: 0x4c, G: 0x72, B: 0xb0, A: 0xff} // blue
	recommendColor = color.RGBA{R: 0xdd, G: 0x84, B: 0x52, A: 0xff} // orange
	idealColor     = color.RGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xff}
	physicalColor  = color.RGBA{R: 0x55, G: 0xa8, B: 0x68, A: 0xff} // green
	logicalColor   = color.RGBA{R: 0x81, G: 0x72, B: 0xb3, A: 0xff} // purple
)

// ParseSize reads a size such as "1200x700".
func ParseSize(s string) (width, height int, err error) {
	ws, hs, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("chart size %q: want WIDTHxHEIGHT in pixels, e.g. 1200x700", s)
	}
	if err := checkSize(w, h); err != nil {
		return 0, 0, err
	}
	return w, h, nil
}

func checkSize(w, h int) error {
	if w < MinSide || h < MinSide || w > MaxSide || h > MaxSide {
		return fmt.Errorf("chart size %dx%d: each side must be from %d to %d pixels", w, h, MinSide, MaxSide)
	}
	return nil
}

// Image draws the chart into an image of width × height pixels, its text
// set at dpi (0: DPI).
func Image(rep bench.Report, width, height int, dpi float64) (*image.RGBA, error) {
	if err := checkSize(width, height); err != nil {
		return nil, err
	}
	if dpi <= 0 {
		dpi = DPI
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	c := vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(int(math.Round(dpi))))
	if err := drawFigure(draw.New(c), rep); err != nil {
		return nil, err
	}
	out, ok := c.Image().(*image.RGBA)
	if !ok {
		return nil, errors.New("chart: unexpected image type")
	}
	return out, nil
}

// WritePNG writes the chart as a PNG image of width × height pixels.
func WritePNG(w io.Writer, rep bench.Report, width, height int) error {
	img, err := Image(rep, width, height, DPI)
	if err != nil {
		return err
	}
	return png.Encode(w, img)
}

// WriteSVG writes the chart as an SVG drawing that a browser shows at width
// × height pixels (laid out as the PNG of that size).
func WriteSVG(w io.Writer, rep bench.Report, width, height int) error {
	if err := checkSize(width, height); err != nil {
		return err
	}
	px := vg.Inch / DPI
	c := vgsvg.New(vg.Length(width)*px, vg.Length(height)*px)
	if err := drawFigure(draw.New(c), rep); err != nil {
		return err
	}
	_, err := c.WriteTo(w)
	return err
}

// WriteFile writes the chart to path: SVG when its name ends in .svg, else
// PNG.
func WriteFile(path string, rep bench.Report, width, height int) error {
	write := func(w io.Writer) error { return WritePNG(w, rep, width, height) }
	if strings.EqualFold(filepath.Ext(path), ".svg") {
		write = func(w io.Writer) error { return WriteSVG(w, rep, width, height) }
	}
	return bench.WriteFile(path, write)
}

// drawFigure lays out the two panels on c. Gonum panics on some impossible
// layouts (a canvas too small for its labels); that becomes an error.
func drawFigure(c draw.Canvas, rep bench.Report) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("chart: cannot draw: %v", v)
		}
	}()
	f := newFigure(rep, c.Max.X-c.Min.X)
	top, err := f.wallPanel()
	if err != nil {
		return err
	}
	bottom, err := f.speedPanel()
	if err != nil {
		return err
	}
	pad := vg.Points(8)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: 2 * pad, PadY: 2 * pad}
	cs := plot.Align([][]*plot.Plot{{top}, {bottom}}, tiles, c)
	top.Draw(cs[0][0])
	bottom.Draw(cs[1][0])
	return nil
}

// figure is what both panels share.
type figure struct {
	rep    bench.Report
	counts []int     // the x axis: every count asked for (or measured)
	names  []string  // their labels
	width  vg.Length // the canvas's width, for bar widths
}

func newFigure(rep bench.Report, width vg.Length) *figure {
	counts := append([]int(nil), rep.Counts...)
	for _, r := range rep.Rows {
		if !slices.Contains(counts, r.Workers) {
			counts = append(counts, r.Workers)
		}
	}
	if len(counts) == 0 {
		counts = []int{1}
	}
	slices.Sort(counts)
	names := make([]string, len(counts))
	m := rep.Machine
	for i, n := range counts {
		names[i] = strconv.Itoa(n)
		switch {
		case n == m.LogicalCores && n == m.PhysicalCores:
			names[i] += "\n(cores)"
		case n == m.LogicalCores:
			names[i] += "\n(logical cores)"
		case n == m.PhysicalCores:
			names[i] += "\n(physical cores)"
		}
	}
	return &figure{rep: rep, counts: counts, names: names, width: width}
}

// pos is where a worker count lies on the x axis: its index when it is one
// of the counts, else interpolated between its neighbours; ok is false
// outside the axis.
func (f *figure) pos(n int) (x float64, ok bool) {
	if i := slices.Index(f.counts, n); i >= 0 {
		return float64(i), true
	}
	for i := 1; i < len(f.counts); i++ {
		lo, hi := f.counts[i-1], f.counts[i]
		if lo < n && n < hi {
			return float64(i-1) + float64(n-lo)/float64(hi-lo), true
		}
	}
	return 0, false
}

// newPlot is a panel with the worker counts along x.
func (f *figure) newPlot() *plot.Plot {
	p := plot.New()
	p.NominalX(f.names...)
	p.X.Min, p.X.Max = -0.6, float64(len(f.counts))-0.4
	p.Y.Min = 0
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = vg.Points(18)
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil // counts are categories: no lines through the bars and labels
	p.Add(grid)
	for _, st := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
		&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		st.Font.Variant = sans
	}
	return p
}

// sans is the typeface variant of every text (gonum's default is a serif).
const sans = "Sans"

// wallPanel is the top panel: median wall time per count, with min–max.
func (f *figure) wallPanel() (*plot.Plot, error) {
	rep := f.rep
	p := f.newPlot()
	p.Title.Text = f.title()
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Y.Label.Text = "wall time (s)"
	p.X.Label.Text = ""

	barWidth := f.width * 0.8 / vg.Length(len(f.counts)) * 0.55
	top := 1.0
	for _, r := range rep.Rows {
		top = max(top, r.WallMax.Seconds())
	}
	p.Y.Max = top * 1.22
	var errs errorPoints
	var labels plotter.XYLabels
	var plain, recommended *plotter.BarChart
	for _, r := range rep.Rows {
		x, _ := f.pos(r.Workers)
		bar, err := plotter.NewBarChart(plotter.Values{r.Wall.Seconds()}, barWidth)
		if err != nil {
			return nil, err
		}
		bar.XMin = x
		bar.Color = barColor
		bar.LineStyle.Width = 0
		if r.Workers == rep.Recommended {
			bar.Color = recommendColor
			recommended = bar
		} else if plain == nil {
			plain = bar
		}
		p.Add(bar)
		errs.XYs = append(errs.XYs, plotter.XY{X: x, Y: r.Wall.Seconds()})
		errs.YErrors = append(errs.YErrors, struct{ Low, High float64 }{
			Low: r.Wall.Seconds() - r.WallMin.Seconds(), High: r.WallMax.Seconds() - r.Wall.Seconds()})
		labels.XYs = append(labels.XYs, plotter.XY{X: x, Y: r.WallMax.Seconds()})
		labels.Labels = append(labels.Labels, fmt.Sprintf("%.2f s", r.Wall.Seconds()))
	}
	if len(rep.Rows) > 0 {
		eb, err := plotter.NewYErrorBars(errs)
		if err != nil {
			return nil, err
		}
		eb.LineStyle.Width = vg.Points(1.2)
		p.Add(eb)
		if err := addLabels(p, labels, draw.XCenter, vg.Point{Y: vg.Points(5)}); err != nil {
			return nil, err
		}
		if plain != nil {
			p.Legend.Add("median of the runs", plain)
		}
		if recommended != nil {
			p.Legend.Add(fmt.Sprintf("recommended: %d", rep.Recommended), recommended)
		}
		p.Legend.Add("fastest–slowest run", whisker{eb.LineStyle})
	}
	return p, nil
}

// speedPanel is the bottom panel: speed-up over one worker, the ideal
// linear speed-up, and efficiency in the labels.
func (f *figure) speedPanel() (*plot.Plot, error) {
	rep := f.rep
	p := f.newPlot()
	p.Y.Label.Text = "speed-up over 1 worker (×)"
	p.X.Label.Text = "workers"
	p.Legend.Left = true

	ideal := make(plotter.XYs, len(f.counts))
	top := 1.0
	for i, n := range f.counts {
		ideal[i] = plotter.XY{X: float64(i), Y: float64(n)}
		top = max(top, float64(n))
	}
	for _, r := range rep.Rows {
		top = max(top, r.SpeedUp)
	}
	p.Y.Max = top * 1.12
	if err := f.addCoreLines(p); err != nil {
		return nil, err
	}
	idealLine, err := plotter.NewLine(ideal)
	if err != nil {
		return nil, err
	}
	idealLine.Color = idealColor
	idealLine.Dashes = []vg.Length{vg.Points(6), vg.Points(4)}
	idealLine.Width = vg.Points(1.5)
	p.Add(idealLine)
	p.Legend.Add("ideal (linear): N workers = N×", idealLine)

	var pts plotter.XYs
	var labels plotter.XYLabels
	for _, r := range rep.Rows {
		if r.SpeedUp <= 0 {
			continue
		}
		x, _ := f.pos(r.Workers)
		pts = append(pts, plotter.XY{X: x, Y: r.SpeedUp})
		labels.XYs = append(labels.XYs, plotter.XY{X: x, Y: r.SpeedUp})
		labels.Labels = append(labels.Labels, fmt.Sprintf("%.2f× · %.0f%%", r.SpeedUp, r.Efficiency*100))
	}
	if r, ok := bench.RowFor(rep.Rows, rep.Recommended); ok && r.SpeedUp > 0 {
		// A big orange disc under the recommended point.
		x, _ := f.pos(r.Workers)
		rec, err := plotter.NewScatter(plotter.XYs{{X: x, Y: r.SpeedUp}})
		if err != nil {
			return nil, err
		}
		rec.Color, rec.Shape, rec.Radius = recommendColor, draw.CircleGlyph{}, vg.Points(8)
		p.Add(rec)
		p.Legend.Add(fmt.Sprintf("recommended: %d", rep.Recommended), rec)
	}
	if len(pts) > 0 {
		line, marks, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		line.Color, line.Width = barColor, vg.Points(2)
		marks.Color, marks.Shape, marks.Radius = barColor, draw.CircleGlyph{}, vg.Points(3.5)
		p.Add(line, marks)
		p.Legend.Add("measured speed-up (label: efficiency)", line, marks)
		// Right of the points, clear of the core lines through them.
		if err := addLabels(p, labels, draw.XLeft, vg.Point{X: vg.Points(9), Y: vg.Points(-12)}); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// addCoreLines marks the physical and logical core counts with vertical
// lines (one line when they are equal), named in the legend.
func (f *figure) addCoreLines(p *plot.Plot) error {
	m := f.rep.Machine
	type mark struct {
		n    int
		name string
		col  color.Color
	}
	var marks []mark
	switch {
	case m.LogicalCores <= 0:
	case m.PhysicalCores == m.LogicalCores || m.PhysicalCores <= 0:
		marks = append(marks, mark{m.LogicalCores, fmt.Sprintf("cores: %d (physical = logical)", m.LogicalCores), logicalColor})
	default:
		marks = append(marks,
			mark{m.PhysicalCores, fmt.Sprintf("physical cores: %d", m.PhysicalCores), physicalColor},
			mark{m.LogicalCores, fmt.Sprintf("logical cores: %d", m.LogicalCores), logicalColor})
	}
	for _, mk := range marks {
		x, ok := f.pos(mk.n)
		if !ok {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: p.Y.Min}, {X: x, Y: p.Y.Max}})
		if err != nil {
			return err
		}
		l.Color, l.Width = mk.col, vg.Points(1.5)
		l.Dashes = []vg.Length{vg.Points(2), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(mk.name, l)
	}
	return nil
}

// addLabels writes texts by points, aligned and moved by offset.
func addLabels(p *plot.Plot, l plotter.XYLabels, align text.XAlignment, offset vg.Point) error {
	labels, err := plotter.NewLabels(l)
	if err != nil {
		return err
	}
	for i := range labels.TextStyle {
		labels.TextStyle[i].Font.Size = vg.Points(9)
		labels.TextStyle[i].XAlign = align
		labels.TextStyle[i].Font.Variant = sans
	}
	labels.Offset = offset
	p.Add(labels)
	return nil
}

// title is two lines: what was measured, and on what.
func (f *figure) title() string {
	rep := f.rep
	filters := rep.Filters
	if filters == "" {
		filters = "no filter"
	}
	mp := 0.0
	if len(rep.Rows) > 0 {
		mp = rep.Rows[0].Megapixels
	}
	line1 := fmt.Sprintf("PicPool scaling: %d images", rep.Images)
	if mp > 0 {
		line1 += fmt.Sprintf(" (%.0f MP)", mp)
	}
	runs := "1 run"
	if rep.Repeat != 1 {
		runs = fmt.Sprintf("median of %d runs", rep.Repeat)
	}
	line1 += ", " + filters + ", " + runs
	m := rep.Machine
	line2 := fmt.Sprintf("%d logical / %d physical cores", m.LogicalCores, m.PhysicalCores)
	if m.CPUModel != "" {
		line2 = m.CPUModel + ", " + line2
	}
	if !rep.Date.IsZero() {
		line2 += ", " + rep.Date.Format("2006-01-02")
	}
	switch {
	case len(rep.Rows) == 0:
		line2 += " · waiting for the first run…"
	case !rep.Complete:
		line2 += " · running…"
	default:
		line2 += fmt.Sprintf(" · recommended: %d workers", rep.Recommended)
	}
	if share, busy := rep.Contended(); busy {
		line2 += fmt.Sprintf("\nbusy machine: 1 worker got only %.0f%% of a core", share)
	}
	return line1 + "\n" + line2
}

// errorPoints are bar tops with their distances to the fastest and slowest
// run, for plotter.NewYErrorBars.
type errorPoints struct {
	plotter.XYs
	plotter.YErrors
}

// whisker is the legend's icon for the error bars: a vertical bar with caps.
type whisker struct{ style draw.LineStyle }

func (w whisker) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	capW := (c.Max.X - c.Min.X) / 4
	c.StrokeLines(w.style,
		[]vg.Point{{X: x, Y: c.Min.Y}, {X: x, Y: c.Max.Y}},
		[]vg.Point{{X: x - capW, Y: c.Min.Y}, {X: x + capW, Y: c.Min.Y}},
		[]vg.Point{{X: x - capW, Y: c.Max.Y}, {X: x + capW, Y: c.Max.Y}})
}

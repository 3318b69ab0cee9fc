// Package chart draws a benchmark report with gonum.org/v1/plot: bars of
// wall time per worker count (median, with the fastest and slowest run),
// and below them the speed-up over one worker against the ideal linear
// line, with the physical and logical core counts marked and the
// recommended count highlighted. A report of both worker modes has two
// series on the same axes: grouped bars, one colour per mode, and one
// speed-up line per mode. Counts not measured yet keep their place on the
// axis, so a chart redrawn after every run fills in.
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
	"github.com/picpool/picpool/engine"
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
	usableColor    = color.RGBA{R: 0x93, G: 0x78, B: 0x60, A: 0xff} // brown
	processColor   = color.RGBA{R: 0xc4, G: 0x4e, B: 0x52, A: 0xff} // red: worker processes beside goroutine workers
)

// SeriesColor is the colour of a worker mode's bars and line when a chart
// shows both modes: blue for goroutine workers, red for worker processes.
// A chart of one mode draws it in blue.
func SeriesColor(mode engine.Isolation) color.RGBA {
	if mode == engine.Processes {
		return processColor
	}
	return barColor
}

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
	modes  []engine.Isolation // the series: one per worker mode
	counts []int              // the x axis: every count asked for (or measured)
	names  []string           // their labels
	width  vg.Length          // the canvas's width, for bar widths
}

// multi reports whether the chart compares worker modes.
func (f *figure) multi() bool { return len(f.modes) > 1 }

// seriesColor is a mode's colour: blue for the only series.
func (f *figure) seriesColor(mode engine.Isolation) color.RGBA {
	if !f.multi() {
		return barColor
	}
	return SeriesColor(mode)
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
	return &figure{rep: rep, modes: rep.ModeList(), counts: counts, names: names, width: width}
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
	if f.multi() {
		return p, f.groupedBars(p)
	}
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

// groupedBars draws the wall time of every mode side by side at each count,
// one colour per mode, the recommended count of each outlined in orange.
func (f *figure) groupedBars(p *plot.Plot) error {
	rep := f.rep
	n := float64(len(f.modes))
	slot := 0.72 / n // of the space between two counts, per bar
	var errs errorPoints
	var labels plotter.XYLabels
	for _, r := range rep.Rows {
		i := slices.Index(f.modes, r.Mode)
		x, ok := f.pos(r.Workers)
		if i < 0 || !ok {
			continue
		}
		x += (float64(i) - (n-1)/2) * slot
		p.Add(dataBar{x0: x - slot*0.42, x1: x + slot*0.42, y: r.Wall.Seconds(), fill: f.seriesColor(r.Mode),
			outlined: r.Workers == rep.Choice(r.Mode).Recommended})
		errs.XYs = append(errs.XYs, plotter.XY{X: x, Y: r.Wall.Seconds()})
		errs.YErrors = append(errs.YErrors, struct{ Low, High float64 }{
			Low: r.Wall.Seconds() - r.WallMin.Seconds(), High: r.WallMax.Seconds() - r.Wall.Seconds()})
		labels.XYs = append(labels.XYs, plotter.XY{X: x, Y: r.WallMax.Seconds()})
		labels.Labels = append(labels.Labels, fmt.Sprintf("%.2f", r.Wall.Seconds()))
	}
	for _, m := range f.modes {
		p.Legend.Add(bench.ModeName(m), dataBar{fill: f.seriesColor(m)})
	}
	if len(errs.XYs) == 0 {
		return nil
	}
	eb, err := plotter.NewYErrorBars(errs)
	if err != nil {
		return err
	}
	eb.LineStyle.Width = vg.Points(1.2)
	p.Add(eb)
	if err := addLabels(p, labels, draw.XCenter, vg.Point{Y: vg.Points(5)}); err != nil {
		return err
	}
	p.Legend.Add("recommended count of each (outlined)", dataBar{fill: color.White, outlined: true})
	p.Legend.Add("fastest–slowest run (bars: median)", whisker{eb.LineStyle})
	return nil
}

// dataBar is a bar from x0 to x1 in data units (so that grouped bars fit
// their slot whatever the canvas), filled, and outlined in orange for a
// recommended count; it is its own legend thumbnail.
type dataBar struct {
	x0, x1, y float64
	fill      color.Color
	outlined  bool
}

func (b dataBar) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	pts := []vg.Point{{X: trX(b.x0), Y: trY(0)}, {X: trX(b.x0), Y: trY(b.y)}, {X: trX(b.x1), Y: trY(b.y)}, {X: trX(b.x1), Y: trY(0)}}
	c.FillPolygon(b.fill, c.ClipPolygonY(pts))
	if b.outlined {
		c.StrokeLines(outline, c.ClipLinesY(append(pts, pts[0]))...)
	}
}

func (b dataBar) Thumbnail(c *draw.Canvas) {
	dy := (c.Max.Y - c.Min.Y) * 0.15 // a gap between the legend's rows
	lo, hi := vg.Point{X: c.Min.X, Y: c.Min.Y + dy}, vg.Point{X: c.Max.X, Y: c.Max.Y - dy}
	pts := []vg.Point{lo, {X: lo.X, Y: hi.Y}, hi, {X: hi.X, Y: lo.Y}}
	c.FillPolygon(b.fill, pts)
	if b.outlined {
		c.StrokeLines(outline, append(pts, pts[0]))
	}
}

// outline marks a recommended count's bar when bars have one colour per mode.
var outline = draw.LineStyle{Color: recommendColor, Width: vg.Points(2.5)}

// speedPanel is the bottom panel: speed-up over one worker (of the same
// mode), the ideal linear speed-up, and efficiency in the labels.
func (f *figure) speedPanel() (*plot.Plot, error) {
	rep := f.rep
	p := f.newPlot()
	p.Y.Label.Text = "speed-up over 1 worker (×)"
	if f.multi() {
		p.Y.Label.Text = "speed-up over 1 worker of the same kind (×)"
	}
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

	// The recommended points first, as big orange discs under the lines.
	var recs plotter.XYs
	for _, m := range f.modes {
		if r, ok := bench.RowFor(bench.RowsOf(rep.Rows, m), rep.Choice(m).Recommended); ok && r.SpeedUp > 0 {
			x, _ := f.pos(r.Workers)
			recs = append(recs, plotter.XY{X: x, Y: r.SpeedUp})
		}
	}
	if len(recs) > 0 {
		rec, err := plotter.NewScatter(recs)
		if err != nil {
			return nil, err
		}
		rec.Color, rec.Shape, rec.Radius = recommendColor, draw.CircleGlyph{}, vg.Points(8)
		p.Add(rec)
		name := fmt.Sprintf("recommended: %d", rep.Recommended)
		if f.multi() {
			name = "recommended count of each"
		}
		p.Legend.Add(name, rec)
	}
	for _, m := range f.modes {
		if err := f.speedLine(p, m); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// speedLine draws one mode's measured speed-up, each point labelled with
// speed-up and efficiency: with two modes, the label of the higher point
// at a count goes above it and the other's below, so that they do not
// overlap.
func (f *figure) speedLine(p *plot.Plot, mode engine.Isolation) error {
	var pts plotter.XYs
	var above, below plotter.XYLabels
	for _, r := range bench.RowsOf(f.rep.Rows, mode) {
		x, ok := f.pos(r.Workers)
		if r.SpeedUp <= 0 || !ok {
			continue
		}
		pts = append(pts, plotter.XY{X: x, Y: r.SpeedUp})
		l := &below
		if f.multi() && f.higher(r) {
			l = &above
		}
		l.XYs = append(l.XYs, plotter.XY{X: x, Y: r.SpeedUp})
		l.Labels = append(l.Labels, fmt.Sprintf("%.2f× · %.0f%%", r.SpeedUp, r.Efficiency*100))
	}
	if len(pts) == 0 {
		return nil
	}
	col := f.seriesColor(mode)
	line, marks, err := plotter.NewLinePoints(pts)
	if err != nil {
		return err
	}
	line.Color, line.Width = col, vg.Points(2)
	marks.Color, marks.Shape, marks.Radius = col, draw.CircleGlyph{}, vg.Points(3.5)
	p.Add(line, marks)
	name := "measured speed-up (label: efficiency)"
	if f.multi() {
		name = bench.ModeName(mode)
	}
	p.Legend.Add(name, line, marks)
	// Right of the points, clear of the core lines through them; with two
	// series, in the series' colour.
	var text color.Color
	if f.multi() {
		text = col
	}
	if len(below.XYs) > 0 {
		if err := addLabels(p, below, draw.XLeft, vg.Point{X: vg.Points(9), Y: vg.Points(-12)}, text); err != nil {
			return err
		}
	}
	if len(above.XYs) > 0 {
		if err := addLabels(p, above, draw.XLeft, vg.Point{X: vg.Points(9), Y: vg.Points(5)}, text); err != nil {
			return err
		}
	}
	return nil
}

// higher reports whether r's speed-up is above every other mode's at its
// count (the later mode wins a tie).
func (f *figure) higher(r bench.Row) bool {
	for _, o := range f.rep.Rows {
		if o.Workers != r.Workers || o.Mode == r.Mode || o.SpeedUp <= 0 {
			continue
		}
		if o.SpeedUp > r.SpeedUp || (o.SpeedUp == r.SpeedUp && slices.Index(f.modes, o.Mode) > slices.Index(f.modes, r.Mode)) {
			return false
		}
	}
	return true
}

// addCoreLines marks the physical and logical core counts with vertical
// lines (one line when they are equal), and the usable CPUs when fewer,
// named in the legend.
func (f *figure) addCoreLines(p *plot.Plot) error {
	m := f.rep.Machine
	type mark struct {
		n    int
		name string
		col  color.Color
	}
	var marks []mark
	if n := m.UsableCPUs; n > 0 && n < m.LogicalCores {
		marks = append(marks, mark{n, fmt.Sprintf("usable CPUs: %d", n), usableColor})
	}
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

// addLabels writes texts by points, aligned and moved by offset, in col
// (nil: the default black).
func addLabels(p *plot.Plot, l plotter.XYLabels, align text.XAlignment, offset vg.Point, col ...color.Color) error {
	labels, err := plotter.NewLabels(l)
	if err != nil {
		return err
	}
	for i := range labels.TextStyle {
		labels.TextStyle[i].Font.Size = vg.Points(9)
		labels.TextStyle[i].XAlign = align
		labels.TextStyle[i].Font.Variant = sans
		if len(col) > 0 && col[0] != nil {
			labels.TextStyle[i].Color = col[0]
		}
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
	switch {
	case f.multi():
		line1 = fmt.Sprintf("PicPool scaling, threads vs processes: %d images", rep.Images)
	case f.modes[0] != engine.Goroutines:
		line1 = fmt.Sprintf("PicPool scaling, %s: %d images", bench.ModeName(f.modes[0]), rep.Images)
	}
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
	if m.UsableCPUs > 0 {
		line2 = m.UsableText() + ", " + line2
	}
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
	case f.multi():
		var recs []string
		for _, m := range f.modes {
			recs = append(recs, fmt.Sprintf("%s %d", bench.ModeShort(m), rep.Choice(m).Recommended))
		}
		line2 += " · recommended: " + strings.Join(recs, ", ")
	default:
		unit := "workers" // never "1 workers"
		if rep.Recommended == 1 {
			unit = "worker"
		}
		line2 += fmt.Sprintf(" · recommended: %d %s", rep.Recommended, unit)
	}
	if warn := rep.ShortWarning(); warn != "" {
		line2 += "\n" + strings.ToUpper(warn[:1]) + warn[1:]
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

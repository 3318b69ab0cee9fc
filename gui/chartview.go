package gui

import (
	"image"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/bench"
	"github.com/picpool/picpool/chart"
)

// chartView shows the benchmark chart at the size it is given: gonum draws
// it into an image of exactly the view's pixels, off the UI goroutine,
// after resizes have settled.
type chartView struct {
	widget.BaseWidget
	w   *Window
	img *canvas.Image

	mu    sync.Mutex
	rep   bench.Report
	px    image.Point // the size in pixels
	scale float32
	gen   int // counts reports and sizes, so an older drawing never replaces a newer one

	shown int // gen of the drawing on screen (UI goroutine)
	dirty chan struct{}
}

// chartSettle is how long resizes must pause before the chart is redrawn.
const chartSettle = 150 * time.Millisecond

func newChartView(w *Window) *chartView {
	v := &chartView{w: w, dirty: make(chan struct{}, 1), scale: 1}
	v.img = canvas.NewImageFromImage(nil)
	v.img.FillMode = canvas.ImageFillContain
	v.ExtendBaseWidget(v)
	v.setReport(bench.Report{})
	w.goBackground(v.redraws)
	return v
}

func (v *chartView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.img) }

func (v *chartView) MinSize() fyne.Size { return fyne.NewSize(chart.MinSide, chart.MinSide) }

// Resize notes the new pixel size and asks for a redraw.
func (v *chartView) Resize(size fyne.Size) {
	v.BaseWidget.Resize(size)
	scale := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil {
		scale = c.Scale()
	}
	px := image.Pt(int(size.Width*scale), int(size.Height*scale))
	v.mu.Lock()
	changed := px != v.px
	v.px, v.scale = px, scale
	if changed {
		// A drawing at the old size, still on its way (from a benchmark
		// run), must not replace the one at this size.
		v.gen++
	}
	v.mu.Unlock()
	if changed {
		v.request()
	}
}

// request asks for a redraw once resizes settle.
func (v *chartView) request() {
	select {
	case v.dirty <- struct{}{}:
	default:
	}
}

// setReport changes the figures without drawing them.
func (v *chartView) setReport(rep bench.Report) {
	v.mu.Lock()
	v.rep = rep
	v.gen++
	v.mu.Unlock()
}

// renderNow sets the figures and draws them at the current size, on the
// calling goroutine; nil when the view is too small to draw in.
func (v *chartView) renderNow(rep bench.Report) (*image.RGBA, int) {
	v.setReport(rep)
	return v.render()
}

func (v *chartView) render() (*image.RGBA, int) {
	v.mu.Lock()
	rep, px, scale, gen := v.rep, v.px, v.scale, v.gen
	v.mu.Unlock()
	if px.X < chart.MinSide || px.Y < chart.MinSide {
		return nil, gen
	}
	img, err := chart.Image(rep, min(px.X, chart.MaxSide), min(px.Y, chart.MaxSide), float64(84*scale))
	if err != nil {
		v.w.logf("benchmark chart: %v", err)
		return nil, gen
	}
	return img, gen
}

// show puts a drawing on screen unless a newer one is there; UI goroutine.
func (v *chartView) show(img *image.RGBA, gen int) {
	if img == nil || gen < v.shown {
		return
	}
	v.shown = gen
	v.img.Image = img
	v.img.Refresh()
}

// redraws draws the chart after each burst of resizes, until the window
// closes.
func (v *chartView) redraws() {
	ctx := v.w.ctx
	for {
		select {
		case <-ctx.Done():
			return
		case <-v.dirty:
		}
		settle := time.NewTimer(chartSettle)
	settling:
		for {
			select {
			case <-ctx.Done():
				settle.Stop()
				return
			case <-v.dirty:
				settle.Reset(chartSettle)
			case <-settle.C:
				break settling
			}
		}
		img, gen := v.render()
		v.w.do(func() { v.show(img, gen) })
	}
}

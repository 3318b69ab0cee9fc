package gui

import (
	"fmt"
	"image"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/disintegration/imaging"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

const (
	previewSide     = 512                    // longest side of the image the preview works on
	previewDebounce = 120 * time.Millisecond // quiet time before a preview is computed
)

// previewPanel shows the selected input before and after the chain. The
// work runs on one background goroutine on a copy shrunk to previewSide:
// requests are debounced, a newer request replaces one not yet started, and
// a result that is no longer the latest request is dropped.
type previewPanel struct {
	w       *Window
	before  *canvas.Image
	after   *canvas.Image
	caption *widget.Label
	obj     fyne.CanvasObject

	reqs   chan previewReq // holds at most the latest request
	latest uint64          // id of the latest request; UI goroutine only
	shown  uint64          // id of the request on screen
}

type previewReq struct {
	id       uint64
	path     string
	chain    processing.Chain
	pipeline *processing.Pipeline // nil: the chain has a problem (chainErr)
	chainErr error
}

func newPreviewPanel(w *Window) *previewPanel {
	p := &previewPanel{w: w, reqs: make(chan previewReq, 1)}
	newImage := func() *canvas.Image {
		img := canvas.NewImageFromImage(nil)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(160, 120))
		return img
	}
	p.before, p.after = newImage(), newImage()
	p.caption = widget.NewLabel("Select an input to see it before and after the chain.")
	p.caption.Wrapping = fyne.TextWrapWord
	p.caption.SizeName = theme.SizeNameCaptionText
	pane := func(title string, img *canvas.Image) fyne.CanvasObject {
		bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
		tag := widget.NewLabel(title)
		tag.SizeName = theme.SizeNameCaptionText
		tagBg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
		return container.NewStack(bg, img, container.NewVBox(container.NewHBox(container.NewStack(tagBg, tag))))
	}
	images := container.New(layout.NewGridLayoutWithColumns(2), pane("Before", p.before), pane("After", p.after))
	p.obj = container.NewBorder(heading("Preview"), p.caption, nil, nil, images)
	w.goBackground(p.loop)
	return p
}

// request asks for a preview of the selected input through the current
// chain. It never blocks: a request still waiting is replaced.
func (p *previewPanel) request() {
	p.latest++
	req := previewReq{id: p.latest, path: p.w.inputs.current()}
	req.chain = p.w.chain.chainCopy()
	req.pipeline, req.chainErr = req.chain.Compile()
	if req.path == "" {
		p.show(req.id, nil, nil, "Select an input to see it before and after the chain.")
		return
	}
	select {
	case p.reqs <- req:
	default:
		select {
		case <-p.reqs: // drop the stale one
		default:
		}
		select {
		case p.reqs <- req:
		default:
		}
	}
}

// loop computes previews until the window closes.
func (p *previewPanel) loop() {
	ctx := p.w.ctx
	var (
		basePath string
		base     *image.NRGBA
		info     codec.Info
		baseErr  error
	)
	for {
		var req previewReq
		select {
		case <-ctx.Done():
			return
		case req = <-p.reqs:
		}
		// Debounce: wait until requests stop coming for a moment.
		timer := time.NewTimer(previewDebounce)
	quiet:
		for {
			select {
			case <-ctx.Done():
				timer.Stop()
				return
			case req = <-p.reqs:
				timer.Reset(previewDebounce)
			case <-timer.C:
				break quiet
			}
		}
		if req.path != basePath {
			base, info, baseErr = p.w.eng.PreviewBase(req.path, previewSide)
			basePath = req.path
		}
		name := filepath.Base(req.path)
		if baseErr != nil {
			msg := fmt.Sprintf("%s: %v", name, baseErr)
			broken := processing.KindOf(baseErr) != processing.ErrTooLarge // too large to preview is not broken
			err, path := baseErr, req.path
			p.w.do(func() {
				p.show(req.id, nil, nil, msg)
				if broken {
					p.w.inputs.markBroken(path, err)
				}
			})
			continue
		}
		w, h := info.Upright()
		var after image.Image
		var msg string
		if req.pipeline == nil {
			msg = fmt.Sprintf("%s · %d×%d · the chain has a problem: %v", name, w, h, req.chainErr)
		} else {
			start := time.Now()
			after = applyShrinking(req.chain, base)
			ow, oh, _ := req.pipeline.OutputSize(w, h)
			size := fmt.Sprintf("%d×%d", ow, oh)
			if !req.pipeline.SizeKnown() {
				size += " if nothing is trimmed" // trim: the content decides
			}
			msg = fmt.Sprintf("%s · %d×%d to %s · preview on a %d px copy, %s",
				name, w, h, size, previewSide, durationText(time.Since(start)))
		}
		before := base
		p.w.do(func() { p.show(req.id, before, after, msg) })
	}
}

// applyShrinking runs a valid chain one step at a time, shrinking the image
// back to previewSide after any step that enlarged it (a resize to 1920
// wide, say), so that a preview never costs what the full-size image would.
func applyShrinking(chain processing.Chain, img *image.NRGBA) *image.NRGBA {
	for _, s := range chain {
		if s.Disabled {
			continue
		}
		p, err := processing.Chain{s}.Compile()
		if err != nil {
			continue // cannot happen: the whole chain compiled
		}
		img = p.Apply(img)
		if b := img.Bounds(); max(b.Dx(), b.Dy()) > previewSide*5/4 {
			img = imaging.Fit(img, previewSide, previewSide, imaging.Linear)
		}
	}
	return img
}

// show puts a finished preview on screen unless a newer one was requested.
func (p *previewPanel) show(id uint64, before, after image.Image, caption string) {
	if id != p.latest {
		return // stale
	}
	p.shown = id
	p.before.Image = before
	p.before.Refresh()
	p.after.Image = after
	p.after.Refresh()
	p.caption.SetText(caption)
}

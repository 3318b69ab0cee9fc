package gui

import (
	"image/color"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/picpool/picpool/processing"
)

// sliderMaxRange is the widest range of a number that gets a slider; wider
// ones (sizes in pixels) are typed.
const sliderMaxRange = 1000

// paramControl edits one parameter, chosen from its metadata alone: a
// slider with a typed value for bounded numbers, an entry for other numbers,
// colours, ratios, lengths and text, an entry with a "…" button that opens
// a file picker for file paths, a select for choices, a check for booleans.
// Typed values are checked as they are typed with processing.ValidateParam;
// an invalid one is shown at the control, never clamped, and reported with
// onInvalid so the owner can refuse to run with it.
type paramControl struct {
	info processing.ParamInfo
	obj  fyne.CanvasObject

	entry  *widget.Entry
	slider *widget.Slider
	sel    *widget.Select
	check  *widget.Check
	swatch *canvas.Rectangle
	browse *widget.Button // for a Path: opens pick
	errMsg *widget.Label

	// pick, set by the owner, shows a file picker offering exts and calls
	// done with the chosen file's path.
	pick func(exts []string, done func(path string))

	syncing bool // the slider and the entry are being set from each other
	// onValid receives every valid value in canonical form, onInvalid the
	// raw text of an invalid one with the error.
	onValid   func(canon string)
	onInvalid func(raw string, err error)
}

func newParamControl(p processing.ParamInfo, value string, onValid func(string), onInvalid func(string, error)) *paramControl {
	c := &paramControl{info: p, onValid: onValid, onInvalid: onInvalid}
	c.errMsg = widget.NewLabel("")
	c.errMsg.Importance = widget.DangerImportance
	c.errMsg.Wrapping = fyne.TextWrapWord
	c.errMsg.Hide()

	var input fyne.CanvasObject
	switch p.Type {
	case processing.Choice:
		c.sel = widget.NewSelect(p.Choices, func(v string) { c.valueTyped(v) })
		c.sel.Selected = value
		input = c.sel
	case processing.Bool:
		c.check = widget.NewCheck("", func(b bool) { c.valueTyped(strconv.FormatBool(b)) })
		c.check.Checked = value == "true"
		input = c.check
	default:
		c.entry = widget.NewEntry()
		c.entry.SetText(value)
		c.entry.Validator = func(s string) error {
			_, err := processing.ValidateParam(p, s)
			return err
		}
		c.entry.OnChanged = c.valueTyped
		input = c.entry
		switch {
		case c.hasSlider():
			c.slider = widget.NewSlider(p.Min, p.Max)
			c.slider.Step = sliderStep(p)
			if f, err := strconv.ParseFloat(value, 64); err == nil {
				c.slider.Value = f
			}
			c.slider.OnChanged = c.slid
			input = container.NewBorder(nil, nil, nil, sized(c.entry, 90, 0), c.slider)
		case p.Type == processing.Path:
			c.entry.SetPlaceHolder("a file's path")
			c.browse = widget.NewButton("…", func() {
				if c.pick != nil {
					c.pick(p.Exts, c.entry.SetText)
				}
			})
			input = container.NewBorder(nil, nil, nil, c.browse, c.entry)
		case p.Type == processing.Color:
			c.swatch = canvas.NewRectangle(color.Transparent)
			c.swatch.StrokeWidth = 1
			c.swatch.StrokeColor = color.Gray{Y: 128}
			c.swatch.SetMinSize(fyne.NewSize(28, 28))
			c.paintSwatch(value)
			input = container.NewBorder(nil, nil, nil, c.swatch, c.entry)
		}
	}
	c.obj = container.NewVBox(input, c.errMsg)
	return c
}

func (c *paramControl) hasSlider() bool {
	p := c.info
	return (p.Type == processing.Int || p.Type == processing.Float) &&
		!(p.Min == 0 && p.Max == 0) && p.Max-p.Min <= sliderMaxRange
}

// sliderStep is about a 400th of the range, rounded to 1, 2 or 5 times a
// power of ten; whole numbers step by at least 1.
func sliderStep(p processing.ParamInfo) float64 {
	raw := (p.Max - p.Min) / 400
	if p.Type == processing.Int || raw <= 0 {
		return math.Max(1, math.Round(raw))
	}
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*pow {
			return m * pow
		}
	}
	return 10 * pow
}

// valueTyped checks a value from the entry, select or check.
func (c *paramControl) valueTyped(raw string) {
	canon, err := processing.ValidateParam(c.info, raw)
	if err != nil {
		c.showError(err.Error())
		if c.onInvalid != nil {
			c.onInvalid(raw, err)
		}
		return
	}
	c.showError("")
	if c.slider != nil && !c.syncing {
		if f, err := strconv.ParseFloat(canon, 64); err == nil {
			c.syncing = true
			c.slider.SetValue(f)
			c.syncing = false
		}
	}
	c.paintSwatch(canon)
	if c.onValid != nil {
		c.onValid(canon)
	}
}

// slid writes the slider's value into the entry, which checks it.
func (c *paramControl) slid(f float64) {
	if c.syncing {
		return
	}
	step := c.slider.Step
	f = math.Round(f/step) * step
	f = math.Min(math.Max(f, c.info.Min), c.info.Max)
	decimals := max(0, int(math.Ceil(-math.Log10(step))))
	text := strconv.FormatFloat(f, 'f', decimals, 64)
	if c.info.Type == processing.Float {
		text = strconv.FormatFloat(mustFloat(text), 'g', -1, 64)
	}
	c.syncing = true
	c.entry.SetText(text)
	c.syncing = false
}

func mustFloat(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

func (c *paramControl) paintSwatch(v string) {
	if c.swatch == nil {
		return
	}
	if col, err := processing.ParseColor(v); err == nil {
		c.swatch.FillColor = col
		c.swatch.Refresh()
	}
}

// showError shows msg under the control, or hides it when msg is "".
func (c *paramControl) showError(msg string) {
	if msg == "" {
		if c.errMsg.Visible() {
			c.errMsg.SetText("")
			c.errMsg.Hide()
			c.obj.Refresh()
		}
		return
	}
	c.errMsg.SetText(msg)
	if !c.errMsg.Visible() {
		c.errMsg.Show()
		c.obj.Refresh()
	}
}

// errorText is the error shown at the control ("" when none).
func (c *paramControl) errorText() string {
	if !c.errMsg.Visible() {
		return ""
	}
	return c.errMsg.Text
}

// set shows a value without reporting it back.
func (c *paramControl) set(v string) {
	on, off := c.onValid, c.onInvalid
	c.onValid, c.onInvalid = nil, nil
	switch {
	case c.sel != nil:
		c.sel.SetSelected(v)
	case c.check != nil:
		c.check.SetChecked(v == "true")
	default:
		c.entry.SetText(v)
	}
	c.onValid, c.onInvalid = on, off
}

// sized gives obj a minimum width and height (0 leaves one free).
func sized(obj fyne.CanvasObject, w, h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, h))
	return container.NewStack(r, obj)
}

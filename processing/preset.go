package processing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/picpool/picpool/codec"
)

// Preset is a named set of processing settings, saved as JSON. The command
// line (--preset FILE) and the window read and write the same files.
//
// The top-level fields describe every output: a preset without "outputs"
// makes one output of each input, as presets always did; with "outputs",
// "filters" is the head every output shares and the other top-level fields
// are the outputs' defaults, each output giving only what differs.
type Preset struct {
	Name     string `json:"name,omitempty"`
	Filters  Chain  `json:"filters"`
	Format   string `json:"format,omitempty"` // same, jpeg, png, webp, avif, gif, tiff, bmp
	Quality  int    `json:"quality,omitempty"`
	PNGLevel string `json:"png_compression,omitempty"`
	Lossless bool   `json:"lossless,omitempty"`   // WebP, AVIF
	Speed    int    `json:"avif_speed,omitempty"` // 1..10, 0: the default
	// AVIFOneFrame writes large AVIFs as one frame (see Settings).
	AVIFOneFrame bool `json:"avif_one_frame,omitempty"`
	// AllFrames keeps every frame of animated GIF and WebP inputs when the
	// output format holds animations.
	AllFrames bool `json:"all_frames,omitempty"`
	// MaxPixels is the pixel limit (0: codec.DefaultMaxPixels, -1: none).
	MaxPixels     int64    `json:"max_pixels,omitempty"`
	OnExists      OnExists `json:"on_exists,omitempty"`
	Prefix        string   `json:"prefix,omitempty"`
	Suffix        string   `json:"suffix,omitempty"`
	Flat          bool     `json:"flat,omitempty"`
	NameTemplate  string   `json:"name_template,omitempty"` // see Template; "" is {name}
	MaxSize       string   `json:"max_size,omitempty"`      // a size target such as "300KB" (see SizeTarget)
	MinQuality    int      `json:"min_quality,omitempty"`   // the size target's floor
	TooBig        string   `json:"too_big,omitempty"`       // scale (the default) or fail
	OnlyIfSmaller bool     `json:"only_if_smaller,omitempty"`
	// Metadata is all, no-location or none ("" is no-location): for every
	// output.
	Metadata  string         `json:"metadata,omitempty"`
	KeepDates bool           `json:"keep_dates,omitempty"`
	Color     string         `json:"color,omitempty"` // srgb (or "") or keep: see Settings.Color
	Outputs   []OutputPreset `json:"outputs,omitempty"`
}

// OutputPreset is one output of a preset: what it adds to the shared
// head (filters) and where it differs from the preset's top-level fields
// (an empty field takes the preset's value).
type OutputPreset struct {
	Label         string   `json:"label,omitempty"`
	Dir           string   `json:"dir,omitempty"` // a folder inside the output folder
	Filters       Chain    `json:"filters,omitempty"`
	Format        string   `json:"format,omitempty"`
	Quality       int      `json:"quality,omitempty"`
	PNGLevel      string   `json:"png_compression,omitempty"`
	Lossless      *bool    `json:"lossless,omitempty"`
	Speed         int      `json:"avif_speed,omitempty"`
	AVIFOneFrame  *bool    `json:"avif_one_frame,omitempty"`
	OnExists      OnExists `json:"on_exists,omitempty"`
	Prefix        string   `json:"prefix,omitempty"`
	Suffix        string   `json:"suffix,omitempty"`
	Flat          *bool    `json:"flat,omitempty"`
	NameTemplate  string   `json:"name_template,omitempty"`
	MaxSize       string   `json:"max_size,omitempty"`
	MinQuality    int      `json:"min_quality,omitempty"`
	TooBig        string   `json:"too_big,omitempty"`
	OnlyIfSmaller *bool    `json:"only_if_smaller,omitempty"`
}

// Settings turns the preset into processing settings writing into outDir
// (Decode and the other per-run options are the caller's), checking every
// field, every output, and that no two outputs write the same file.
func (p Preset) Settings(outDir string) (Settings, error) {
	s := Settings{Chain: p.Filters, Naming: Naming{Dir: outDir}, KeepDates: p.KeepDates,
		Decode: codec.DecodeOptions{MaxPixels: p.MaxPixels, AllFrames: p.AllFrames}}
	var err error
	if s.Metadata, err = ParseMetadataPolicy(p.Metadata); err != nil {
		return Settings{}, err
	}
	if s.Color, err = codec.ParseColorMode(p.Color); err != nil {
		return Settings{}, err
	}
	top, err := p.output(OutputPreset{})
	if err != nil {
		return Settings{}, err
	}
	if len(p.Outputs) == 0 {
		s.Format, s.Quality, s.PNGLevel, s.OnExists = top.Format, top.Quality, top.PNGLevel, top.OnExists
		s.Lossless, s.AVIFSpeed, s.AVIFOneFrame = top.Lossless, top.AVIFSpeed, top.AVIFOneFrame
		s.Naming, s.Size, s.OnlyIfSmaller = top.Naming, top.Size, top.OnlyIfSmaller
		s.Naming.Dir = outDir
	} else {
		s.OnExists = top.OnExists
		for i, op := range p.Outputs {
			o, err := p.output(op)
			if err != nil {
				return Settings{}, fmt.Errorf("output %d (%s): %w", i+1, o.Name(i), err)
			}
			s.Outputs = append(s.Outputs, o)
		}
	}
	if _, err := NewProcessor(s); err != nil {
		return Settings{}, err
	}
	return s, nil
}

// output resolves one output against the preset's top-level fields.
func (p Preset) output(op OutputPreset) (Output, error) {
	pick := func(v, def string) string {
		if v != "" {
			return v
		}
		return def
	}
	o := Output{Label: op.Label, Chain: op.Filters, Quality: op.Quality, PNGLevel: pick(op.PNGLevel, p.PNGLevel),
		Lossless: p.Lossless, AVIFSpeed: op.Speed, AVIFOneFrame: p.AVIFOneFrame,
		Naming: Naming{Dir: op.Dir, Prefix: pick(op.Prefix, p.Prefix), Suffix: pick(op.Suffix, p.Suffix), Flat: p.Flat,
			Template: pick(op.NameTemplate, p.NameTemplate)},
		Size: SizeTarget{MinQuality: op.MinQuality}, OnlyIfSmaller: p.OnlyIfSmaller}
	if o.Quality == 0 {
		o.Quality = p.Quality
	}
	if o.Size.MinQuality == 0 {
		o.Size.MinQuality = p.MinQuality
	}
	if o.AVIFSpeed == 0 {
		o.AVIFSpeed = p.Speed
	}
	if op.Lossless != nil {
		o.Lossless = *op.Lossless
	}
	if op.AVIFOneFrame != nil {
		o.AVIFOneFrame = *op.AVIFOneFrame
	}
	if op.Flat != nil {
		o.Naming.Flat = *op.Flat
	}
	if op.OnlyIfSmaller != nil {
		o.OnlyIfSmaller = *op.OnlyIfSmaller
	}
	if o.PNGLevel == "default" {
		o.PNGLevel = ""
	}
	if o.Naming.Template == "{name}" {
		o.Naming.Template = "" // the default: the same settings however it was written
	}
	var err error
	if o.Format, err = codec.ParseFormat(pick(op.Format, p.Format)); err != nil {
		return o, err
	}
	if o.OnExists, err = ParseOnExists(string(pick(string(op.OnExists), string(p.OnExists)))); err != nil {
		return o, err
	}
	if max := pick(op.MaxSize, p.MaxSize); max != "" {
		if o.Size.Max, err = ParseSize(max); err != nil || o.Size.Max == 0 {
			return o, fmt.Errorf("max size %q: give a size such as 300KB or 2MB", max)
		}
	}
	switch tb := pick(op.TooBig, p.TooBig); tb {
	case "", "scale":
	case "fail":
		o.Size.NoScale = true
	default:
		return o, fmt.Errorf("too big %q: use scale (scale the image down until it fits) or fail", tb)
	}
	return o, nil
}

// Validate checks every field, every output's, and the outputs together.
func (p Preset) Validate() error {
	if p.MaxPixels < -1 {
		return fmt.Errorf("max_pixels %d: use -1 for no limit", p.MaxPixels)
	}
	_, err := p.Settings("")
	return err
}

// ParsePreset reads a preset from JSON, rejecting unknown fields and bad
// values with a message that names them.
func ParsePreset(data []byte) (Preset, error) {
	var p Preset
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Preset{}, fmt.Errorf("preset: %w", err)
	}
	if err := p.Validate(); err != nil {
		return Preset{}, fmt.Errorf("preset: %w", err)
	}
	return p, nil
}

// LoadPreset reads a preset file.
func LoadPreset(path string) (Preset, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Preset{}, err
	}
	p, err := ParsePreset(data)
	if err != nil {
		return Preset{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// MarshalIndent writes the preset as indented JSON.
func (p Preset) MarshalIndent() ([]byte, error) {
	if p.Filters == nil {
		p.Filters = Chain{}
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// SavePreset writes a preset file atomically.
func SavePreset(path string, p Preset) error {
	data, err := p.MarshalIndent()
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

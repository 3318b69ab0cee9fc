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
type Preset struct {
	Name     string `json:"name,omitempty"`
	Filters  Chain  `json:"filters"`
	Format   string `json:"format,omitempty"` // same, jpeg, png, webp, avif, gif, tiff, bmp
	Quality  int    `json:"quality,omitempty"`
	PNGLevel string `json:"png_compression,omitempty"`
	Lossless bool   `json:"lossless,omitempty"`   // WebP, AVIF
	Speed    int    `json:"avif_speed,omitempty"` // 1..10, 0: the default
	// AllFrames keeps every frame of animated GIF and WebP inputs when the
	// output format holds animations.
	AllFrames bool `json:"all_frames,omitempty"`
	// MaxPixels is the pixel limit (0: codec.DefaultMaxPixels, -1: none).
	MaxPixels int64    `json:"max_pixels,omitempty"`
	OnExists  OnExists `json:"on_exists,omitempty"`
	Prefix    string   `json:"prefix,omitempty"`
	Suffix    string   `json:"suffix,omitempty"`
	Flat      bool     `json:"flat,omitempty"`
	// Metadata is all, no-location or none ("" is no-location).
	Metadata  string `json:"metadata,omitempty"`
	KeepDates bool   `json:"keep_dates,omitempty"`
	Color     string `json:"color,omitempty"` // srgb (or "") or keep: see Settings.Color
}

// Validate checks every field.
func (p Preset) Validate() error {
	if err := p.Filters.Validate(); err != nil {
		return err
	}
	if _, err := codec.ParseFormat(p.Format); err != nil {
		return err
	}
	if _, err := ParseOnExists(string(p.OnExists)); err != nil {
		return err
	}
	if _, err := codec.ParseColorMode(p.Color); err != nil {
		return err
	}
	if _, err := ParseMetadataPolicy(p.Metadata); err != nil {
		return err
	}
	if p.MaxPixels < -1 {
		return fmt.Errorf("max_pixels %d: use -1 for no limit", p.MaxPixels)
	}
	return codec.EncodeOptions{Quality: p.Quality, PNGCompression: p.PNGLevel, AVIFSpeed: p.Speed}.Validate()
}

// Settings returns the processing settings the preset describes, writing
// into the output folder dir. Call Validate first: invalid values are left
// for NewProcessor to refuse.
func (p Preset) Settings(dir string) Settings {
	format, _ := codec.ParseFormat(p.Format)
	onExists, _ := ParseOnExists(string(p.OnExists))
	policy, _ := ParseMetadataPolicy(p.Metadata)
	color, _ := codec.ParseColorMode(p.Color)
	return Settings{
		Chain: p.Filters, Format: format, Quality: p.Quality, PNGLevel: p.PNGLevel,
		Lossless: p.Lossless, AVIFSpeed: p.Speed,
		Naming:   Naming{Dir: dir, Prefix: p.Prefix, Suffix: p.Suffix, Flat: p.Flat},
		OnExists: onExists,
		Decode:   codec.DecodeOptions{MaxPixels: p.MaxPixels, AllFrames: p.AllFrames},
		Metadata: policy, KeepDates: p.KeepDates, Color: color,
	}
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

package processing

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// OutputSpecKeys are the keys of an output's text form (ParseOutputSpec),
// with what each sets.
var OutputSpecKeys = map[string]string{}

// specKeys sets each key's field of an OutputPreset from its text.
var specKeys = map[string]func(o *OutputPreset, v string) error{}

func init() {
	text := func(field func(*OutputPreset) *string) func(*OutputPreset, string) error {
		return func(o *OutputPreset, v string) error { *field(o) = v; return nil }
	}
	number := func(field func(*OutputPreset) *int) func(*OutputPreset, string) error {
		return func(o *OutputPreset, v string) (err error) { *field(o), err = strconv.Atoi(v); return err }
	}
	flag := func(field func(*OutputPreset) **bool) func(*OutputPreset, string) error {
		return func(o *OutputPreset, v string) error {
			b, err := strconv.ParseBool(v)
			*field(o) = &b
			return err
		}
	}
	for _, k := range []struct {
		key, help string
		set       func(*OutputPreset, string) error
	}{
		{"label", "a name for reports and the window", text(func(o *OutputPreset) *string { return &o.Label })},
		{"dir", "a folder inside the output folder", text(func(o *OutputPreset) *string { return &o.Dir })},
		{"filters", "the output's own filter chain, after the shared -filters",
			func(o *OutputPreset, v string) (err error) { o.Filters, err = ParseChain(v); return err }},
		{"format", "same, jpeg, png, gif, tiff or bmp", text(func(o *OutputPreset) *string { return &o.Format })},
		{"quality", "JPEG, WebP and AVIF quality 1..100", number(func(o *OutputPreset) *int { return &o.Quality })},
		{"png-compression", "default, fast, best or none", text(func(o *OutputPreset) *string { return &o.PNGLevel })},
		{"lossless", "true: WebP and AVIF written losslessly", flag(func(o *OutputPreset) **bool { return &o.Lossless })},
		{"avif-speed", "AVIF encoder speed 1..10", number(func(o *OutputPreset) *int { return &o.Speed })},
		{"avif-one-frame", "true: large AVIFs as one frame, not a grid (for Firefox)",
			flag(func(o *OutputPreset) **bool { return &o.AVIFOneFrame })},
		{"name", "the name template, e.g. {name}_t or {date}_{n:04}", text(func(o *OutputPreset) *string { return &o.NameTemplate })},
		{"prefix", "added before each name", text(func(o *OutputPreset) *string { return &o.Prefix })},
		{"suffix", "added after each name", text(func(o *OutputPreset) *string { return &o.Suffix })},
		{"flat", "true: no sub-folders", flag(func(o *OutputPreset) **bool { return &o.Flat })},
		{"on-exists", "skip, overwrite or rename",
			func(o *OutputPreset, v string) error { o.OnExists = OnExists(v); return nil }},
		{"max-size", "a size target such as 300KB", text(func(o *OutputPreset) *string { return &o.MaxSize })},
		{"min-quality", "the size target's floor quality", number(func(o *OutputPreset) *int { return &o.MinQuality })},
		{"too-big", "scale or fail, when the floor quality is still too big", text(func(o *OutputPreset) *string { return &o.TooBig })},
		{"only-if-smaller", "true: the source's bytes when the output would not be smaller",
			flag(func(o *OutputPreset) **bool { return &o.OnlyIfSmaller })},
	} {
		OutputSpecKeys[k.key], specKeys[k.key] = k.help, k.set
	}
}

// ParseOutputSpec reads one output in its text form, as the command line's
// -output takes it: ";"-separated key=value pairs, for example
//
//	dir=thumbs;filters=resize=256x256:mode=fill;format=jpeg;name={name}_t
//
// A value may hold a filter chain with its "," ":" and "="; a value that
// holds ";" is quoted as in a chain ('…' or "…", the quote doubled
// inside). flat, lossless, avif-one-frame and only-if-smaller may stand alone for true. Keys left out
// take the batch's defaults (the plain flags, or the preset's top level).
func ParseOutputSpec(spec string) (OutputPreset, error) {
	var o OutputPreset
	parts, err := SplitOutsideQuotes(spec, ';')
	if err != nil {
		return o, err
	}
	seen := map[string]bool{}
	for _, part := range parts {
		if strings.TrimSpace(part) == "" {
			continue
		}
		rawKey, rawValue, hasValue := cutOutsideQuotes(part, '=')
		key := strings.ToLower(strings.TrimSpace(rawKey))
		if _, ok := OutputSpecKeys[key]; !ok {
			return o, fmt.Errorf("unknown key %q (known: %s)", key, specKeyList())
		}
		if seen[key] {
			return o, fmt.Errorf("%s is given twice", key)
		}
		seen[key] = true
		value, err := Unquote(rawValue)
		if err != nil {
			return o, fmt.Errorf("%s: %w", key, err)
		}
		if !hasValue && (key == "flat" || key == "only-if-smaller" || key == "lossless" || key == "avif-one-frame") {
			value = "true"
		}
		if value == "" {
			return o, fmt.Errorf("%s has no value: give one, or leave the key out", key)
		}
		if err := specKeys[key](&o, value); err != nil {
			return o, fmt.Errorf("%s=%s: %w", key, value, err)
		}
	}
	return o, nil
}

func specKeyList() string {
	keys := make([]string, 0, len(OutputSpecKeys))
	for k := range OutputSpecKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// ParseSize reads a size in bytes: a number with an optional K, M, G or T
// (binary multiples; B, iB and case do not matter): 300KB, 1.5MiB, 2g.
func ParseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			mult = 1 << (10 * (i + 1))
			t = strings.TrimSpace(t[:n-1])
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || !(v >= 0) || v*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(v * float64(mult)), nil
}

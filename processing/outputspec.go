package processing

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// OutputSpecKeys are the keys of an output's text form (ParseOutputSpec),
// with what each sets.
var OutputSpecKeys = map[string]string{
	"label":           "a name for reports and the window",
	"dir":             "a folder inside the output folder",
	"filters":         "the output's own filter chain, after the shared -filters",
	"format":          "same, jpeg, png, gif, tiff or bmp",
	"quality":         "JPEG quality 1..100",
	"png-compression": "default, fast, best or none",
	"name":            "the name template, e.g. {name}_t or {date}_{n:04}",
	"prefix":          "added before each name",
	"suffix":          "added after each name",
	"flat":            "true: no sub-folders",
	"on-exists":       "skip, overwrite or rename",
	"max-size":        "a size target such as 300KB",
	"min-quality":     "the size target's floor quality",
	"too-big":         "scale or fail, when the floor quality is still too big",
	"only-if-smaller": "true: the source's bytes when the output would not be smaller",
}

// ParseOutputSpec reads one output in its text form, as the command line's
// -output takes it: ";"-separated key=value pairs, for example
//
//	dir=thumbs;filters=resize=256x256:mode=fill;format=jpeg;name={name}_t
//
// A value may hold a filter chain with its "," ":" and "="; a value that
// holds ";" is quoted as in a chain ('…' or "…", the quote doubled
// inside). flat and only-if-smaller may stand alone for true. Keys left out
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
		if !hasValue && (key == "flat" || key == "only-if-smaller") {
			value = "true"
		}
		if value == "" {
			return o, fmt.Errorf("%s has no value: give one, or leave the key out", key)
		}
		if err := o.set(key, value); err != nil {
			return o, fmt.Errorf("%s=%s: %w", key, value, err)
		}
	}
	return o, nil
}

// set sets one key of the text form.
func (o *OutputPreset) set(key, value string) error {
	var err error
	switch key {
	case "label":
		o.Label = value
	case "dir":
		o.Dir = value
	case "filters":
		o.Filters, err = ParseChain(value)
	case "format":
		o.Format = value
	case "quality":
		o.Quality, err = strconv.Atoi(value)
	case "png-compression":
		o.PNGLevel = value
	case "name":
		o.NameTemplate = value
	case "prefix":
		o.Prefix = value
	case "suffix":
		o.Suffix = value
	case "flat":
		var b bool
		b, err = strconv.ParseBool(value)
		o.Flat = &b
	case "on-exists":
		o.OnExists = OnExists(value)
	case "max-size":
		o.MaxSize = value
	case "min-quality":
		o.MinQuality, err = strconv.Atoi(value)
	case "too-big":
		o.TooBig = value
	case "only-if-smaller":
		var b bool
		b, err = strconv.ParseBool(value)
		o.OnlyIfSmaller = &b
	}
	return err
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

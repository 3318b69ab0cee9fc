package processing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Chain is an ordered list of filter steps. It is plain data: it round-trips
// through JSON (presets) and through the short text form used on the command
// line (see ParseChain), and Compile turns it into a Pipeline.
type Chain []Step

// A Step is one filter: a kind (see Kinds) and its parameters, kept as
// canonical strings keyed by parameter name. Parameters left out take the
// kind's defaults. A disabled step stays in the chain but is not applied.
type Step struct {
	Kind     string
	Params   map[string]string
	Disabled bool
}

// ParamType says how a parameter's value is written and checked.
type ParamType int

const (
	Int    ParamType = iota // whole number
	Float                   // decimal number
	Choice                  // one of Choices
	Color                   // #rgb, #rrggbb, #rrggbbaa or a name (black, white, transparent…)
	Bool                    // true or false
	Ratio                   // aspect ratio "W/H", both positive numbers
	Text                    // free text on one line (a watermark's words)
	Path                    // a file's path ("" when the parameter is optional)
	Length                  // pixels "N" within Min..Max, or "N%", a share of the image's width (0..100)
)

// ParamInfo describes one parameter of a kind, for parsers and editors alike.
type ParamInfo struct {
	Name    string
	Label   string
	Type    ParamType
	Default string
	// Min and Max bound Int and Float values (inclusive) unless both are zero.
	// For a Length they bound its pixels; for a Text or a Path, Max > 0 is
	// the most characters.
	Min, Max float64
	// Choices lists the values a Choice parameter accepts.
	Choices []string
	// Exts lists the file name extensions a Path parameter's file picker
	// offers (".png"); the value itself is not checked against them.
	Exts []string
	Help string
}

// KindInfo describes a filter kind.
type KindInfo struct {
	Name   string
	Title  string
	Help   string
	Params []ParamInfo
	// Shorthand, when set, names the text form of the value written after
	// "kind=" on the command line, e.g. "WxH" for resize.
	Shorthand string
}

// Param returns the named parameter's description.
func (k KindInfo) Param(name string) (ParamInfo, bool) {
	for _, p := range k.Params {
		if p.Name == name {
			return p, true
		}
	}
	return ParamInfo{}, false
}

// Kinds lists every filter kind in the order editors should offer them.
func Kinds() []KindInfo {
	out := make([]KindInfo, len(kinds))
	for i, k := range kinds {
		out[i] = k.info
	}
	return out
}

// Kind returns the description of the named kind.
func Kind(name string) (KindInfo, bool) {
	k, ok := kindByName[name]
	if !ok {
		return KindInfo{}, false
	}
	return k.info, true
}

// NewStep returns a step of the given kind with every parameter at its default.
func NewStep(kind string) (Step, error) {
	k, ok := kindByName[kind]
	if !ok {
		return Step{}, unknownKind(kind)
	}
	s := Step{Kind: kind, Params: map[string]string{}}
	for _, p := range k.info.Params {
		s.Params[p.Name] = p.Default
	}
	return s, nil
}

// Get returns the parameter's value, or the kind's default when unset.
func (s Step) Get(name string) string {
	if v, ok := s.Params[name]; ok {
		return v
	}
	if k, ok := kindByName[s.Kind]; ok {
		if p, ok := k.info.Param(name); ok {
			return p.Default
		}
	}
	return ""
}

// Set returns a copy of the step with the parameter set to value (not checked:
// see Validate).
func (s Step) Set(name, value string) Step {
	params := make(map[string]string, len(s.Params)+1)
	for k, v := range s.Params {
		params[k] = v
	}
	params[name] = value
	s.Params = params
	return s
}

// SpecError is a problem with a chain's text or parameters. It names the step
// (1-based, 0 when the problem is not in one step) and the parameter.
type SpecError struct {
	Index int    // 1-based step number
	Kind  string // the step's kind
	Param string // the parameter, if one is at fault
	Msg   string
}

func (e *SpecError) Error() string {
	var b strings.Builder
	if e.Index > 0 {
		fmt.Fprintf(&b, "step %d", e.Index)
		if e.Kind != "" {
			fmt.Fprintf(&b, " (%s)", e.Kind)
		}
		b.WriteString(": ")
	}
	if e.Param != "" {
		fmt.Fprintf(&b, "parameter %q: ", e.Param)
	}
	b.WriteString(e.Msg)
	return b.String()
}

func unknownKind(kind string) error {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.info.Name
	}
	return &SpecError{Msg: fmt.Sprintf("unknown filter %q (known: %s)", kind, strings.Join(names, ", "))}
}

// ValidateParam checks one value against a parameter's type and range and
// returns it in canonical form.
func ValidateParam(p ParamInfo, value string) (string, error) {
	v := strings.TrimSpace(value)
	switch p.Type {
	case Text, Path:
		return checkText(p, value)
	case Length:
		n, pct := strings.CutSuffix(v, "%")
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return "", fmt.Errorf("%q is not a length: pixels (24) or a share of the width (3%%)", value)
		}
		if pct {
			if f < 0 || f > 100 {
				return "", fmt.Errorf("%s%% is outside 0..100%%", fmtNum(f))
			}
			return fmtNum(f) + "%", nil
		}
		if f != math.Trunc(f) {
			return "", fmt.Errorf("%q is not a whole number of pixels", value)
		}
		if err := checkRange(p, f); err != nil {
			return "", err
		}
		return fmtNum(f), nil
	case Int:
		n, err := strconv.Atoi(v)
		if err != nil {
			return "", fmt.Errorf("%q is not a whole number", value)
		}
		if err := checkRange(p, float64(n)); err != nil {
			return "", err
		}
		return strconv.Itoa(n), nil
	case Float:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "", fmt.Errorf("%q is not a number", value)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "", fmt.Errorf("%q is not a finite number", value)
		}
		if err := checkRange(p, f); err != nil {
			return "", err
		}
		return strconv.FormatFloat(f, 'g', -1, 64), nil
	case Choice:
		l := strings.ToLower(v)
		for _, c := range p.Choices {
			if l == c {
				return c, nil
			}
		}
		return "", fmt.Errorf("%q is not one of %s", value, strings.Join(p.Choices, ", "))
	case Color:
		if _, err := ParseColor(v); err != nil {
			return "", err
		}
		return strings.ToLower(v), nil
	case Bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "", fmt.Errorf("%q is not true or false", value)
		}
		return strconv.FormatBool(b), nil
	case Ratio:
		w, h, err := parseRatio(v)
		if err != nil {
			return "", err
		}
		return strconv.FormatFloat(w, 'g', -1, 64) + "/" + strconv.FormatFloat(h, 'g', -1, 64), nil
	}
	return "", fmt.Errorf("unknown parameter type")
}

// checkText accepts any text on one line, kept exactly as typed.
func checkText(p ParamInfo, v string) (string, error) {
	if !utf8.ValidString(v) {
		return "", fmt.Errorf("%q is not valid UTF-8 text", v)
	}
	if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return "", fmt.Errorf("%q holds a control character (a line break, a tab…): one line of text only", v)
	}
	if p.Max > 0 && utf8.RuneCountInString(v) > int(p.Max) {
		return "", fmt.Errorf("longer than %s characters", fmtNum(p.Max))
	}
	return v, nil
}

func checkRange(p ParamInfo, f float64) error {
	if p.Min == 0 && p.Max == 0 {
		return nil
	}
	if f < p.Min || f > p.Max {
		return fmt.Errorf("%s is outside %s..%s", fmtNum(f), fmtNum(p.Min), fmtNum(p.Max))
	}
	return nil
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func parseRatio(v string) (float64, float64, error) {
	a, b, ok := strings.Cut(v, "/")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not an aspect ratio W/H", v)
	}
	w, err1 := strconv.ParseFloat(a, 64)
	h, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil || !(w > 0) || !(h > 0) || math.IsInf(w, 0) || math.IsInf(h, 0) || w/h > 1e4 || h/w > 1e4 {
		return 0, 0, fmt.Errorf("%q is not an aspect ratio W/H of two positive numbers", v)
	}
	return w, h, nil
}

// Validate checks every step of the chain and returns the first problem.
func (c Chain) Validate() error {
	_, err := c.Compile()
	return err
}

// ---- JSON ----

// MarshalJSON writes {"kind": ..., "params": {...}, "disabled": true} with
// numbers and booleans as JSON numbers and booleans.
func (s Step) MarshalJSON() ([]byte, error) {
	k, ok := kindByName[s.Kind]
	params := map[string]any{}
	keys := make([]string, 0, len(s.Params))
	for key := range s.Params {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		v := s.Params[key]
		var typed any = v
		if ok {
			if p, found := k.info.Param(key); found {
				switch p.Type {
				case Int, Float:
					// Only a valid JSON number literal goes out as a number:
					// "01" or "+1" parse as numbers but stay strings.
					if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
						if _, err := json.Marshal(json.Number(v)); err == nil {
							typed = json.Number(v)
						}
					}
				case Bool:
					if b, err := strconv.ParseBool(v); err == nil {
						typed = b
					}
				}
			}
		}
		params[key] = typed
	}
	out := struct {
		Kind     string         `json:"kind"`
		Params   map[string]any `json:"params,omitempty"`
		Disabled bool           `json:"disabled,omitempty"`
	}{s.Kind, params, s.Disabled}
	if len(params) == 0 {
		out.Params = nil
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON writes; parameter values may be JSON
// strings, numbers or booleans. Values are checked by Compile, not here.
func (s *Step) UnmarshalJSON(data []byte) error {
	var in struct {
		Kind     string                     `json:"kind"`
		Params   map[string]json.RawMessage `json:"params"`
		Disabled bool                       `json:"disabled"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return fmt.Errorf("filter step: %w", err)
	}
	s.Kind = strings.ToLower(in.Kind)
	s.Disabled = in.Disabled
	s.Params = make(map[string]string, len(in.Params))
	for key, raw := range in.Params {
		var str string
		if err := json.Unmarshal(raw, &str); err == nil {
			s.Params[key] = str
			continue
		}
		trimmed := strings.TrimSpace(string(raw))
		if trimmed == "null" || strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
			return &SpecError{Kind: s.Kind, Param: key, Msg: "value must be a string, number or boolean"}
		}
		s.Params[key] = trimmed
	}
	return nil
}

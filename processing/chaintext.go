package processing

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The text form of a chain, as the command line and the window's summary
// write it:
//
//	chain := step { "," step }
//	step  := kind [ "=" value ] { ":" name "=" value }
//	value := bare | quoted
//
// A bare value runs to the next "," ":" or ";" (spaces at its ends are
// dropped) and holds no "=" ";" "," or ":". A value that needs any of them,
// or spaces at its ends, is quoted: it starts with ' or " and ends with the
// same quote; that quote is written twice inside (`'it''s'`). A quote opens
// only where a value starts (after "=", ":", "," or ";", spaces allowed),
// so an apostrophe inside a bare value is just a character
// (`watermark=Tom's photos`). String quotes exactly what needs it, so a
// chain's text never holds a bare ";": it can stand as one value of a
// ";"-separated list (see SplitOutsideQuotes), quoted or not.

// delimiters end a bare value; after each of them a value may start.
const delimiters = "=:,;"

// SplitOutsideQuotes splits s at every sep (one of "=", ":", "," or ";")
// that is not inside a quoted value, keeping the quotes in the parts (see
// Unquote). It is how ParseChain splits steps and parameters, and how a
// list of settings whose values are chains ("dir=web;filters=…") is split
// so that a quoted value may hold the separator.
func SplitOutsideQuotes(s string, sep byte) ([]string, error) {
	var parts []string
	start := 0
	err := scanOutsideQuotes(s, func(i int) bool {
		if s[i] == sep {
			parts = append(parts, s[start:i])
			start = i + 1
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return append(parts, s[start:]), nil
}

// cutOutsideQuotes is strings.Cut at the first sep outside quotes.
func cutOutsideQuotes(s string, sep byte) (before, after string, found bool) {
	at := -1
	scanOutsideQuotes(s, func(i int) bool {
		if s[i] == sep {
			at = i
			return false
		}
		return true
	})
	if at < 0 {
		return s, "", false
	}
	return s[:at], s[at+1:], true
}

// scanOutsideQuotes calls at with the index of every delimiter outside
// quoted values, until at returns false. It fails on a quote left open.
func scanOutsideQuotes(s string, at func(i int) bool) error {
	valueStart := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if valueStart {
			// Spaces before a value are skipped as Unquote's TrimSpace skips them.
			if r, size := utf8.DecodeRuneInString(s[i:]); unicode.IsSpace(r) {
				i += size - 1
				continue
			}
			switch c {
			case '\'', '"':
				end, err := closingQuote(s, i)
				if err != nil {
					return err
				}
				i = end
				valueStart = false
				continue
			}
		}
		valueStart = strings.IndexByte(delimiters, c) >= 0
		if valueStart && !at(i) {
			return nil
		}
	}
	return nil
}

// closingQuote returns the index of the quote that closes the one at open.
func closingQuote(s string, open int) (int, error) {
	q := s[open]
	for i := open + 1; i < len(s); i++ {
		if s[i] != q {
			continue
		}
		if i+1 < len(s) && s[i+1] == q {
			i++ // a doubled quote stands for one
			continue
		}
		return i, nil
	}
	return 0, fmt.Errorf("%s has no closing %c", abbrev(s[open:]), q)
}

// Unquote reads one value: a bare value with the spaces at its ends
// dropped, or a quoted one with its quotes removed and doubled quotes made
// single. Text after the closing quote is an error.
func Unquote(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" || (v[0] != '\'' && v[0] != '"') {
		return v, nil
	}
	end, err := closingQuote(v, 0)
	if err != nil {
		return "", err
	}
	if rest := strings.TrimSpace(v[end+1:]); rest != "" {
		return "", fmt.Errorf("%q follows the closing quote of %s: quote the whole value", rest, abbrev(v[:end+1]))
	}
	q := string(v[0])
	return strings.ReplaceAll(v[1:end], q+q, q), nil
}

// Quote writes a value for the text form: as it is when it can stand bare,
// quoted otherwise (see the grammar above); Unquote reads it back.
func Quote(v string) string {
	if v == "" {
		return v
	}
	needs := strings.ContainsAny(v, delimiters) || v[0] == '\'' || v[0] == '"' ||
		strings.TrimSpace(v) != v
	if !needs {
		return v
	}
	q := "'"
	if strings.Contains(v, "'") && !strings.Contains(v, `"`) {
		q = `"`
	}
	return q + strings.ReplaceAll(v, q, q+q) + q
}

func abbrev(s string) string {
	if r := []rune(s); len(r) > 24 {
		return string(r[:24]) + "…"
	}
	return s
}

// ParseChain reads the text form of a chain (see the grammar above), for
// example "resize=1920x0:filter=lanczos,sharpen=0.8,grayscale" or
// "watermark='© Ann, 2026':size=3%". The value after "kind=" is the kind's
// shorthand (see KindInfo.Shorthand), e.g. WxH for resize, WxH, WxH+X+Y or
// W/H for crop, degrees for rotate, h or v for flip, sigma for blur and
// sharpen, a percentage for the adjustments, the text of a watermark. A
// named value can stand first too ("rotate=angle=15"). Spaces around items
// are ignored; an empty string is the empty chain.
func ParseChain(text string) (Chain, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Chain{}, nil
	}
	items, err := SplitOutsideQuotes(text, ',')
	if err != nil {
		return nil, &SpecError{Msg: err.Error()}
	}
	var c Chain
	for i, item := range items {
		s, err := parseStep(i+1, strings.TrimSpace(item))
		if err != nil {
			return nil, err
		}
		c = append(c, s)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func parseStep(index int, item string) (Step, error) {
	if item == "" {
		return Step{}, &SpecError{Index: index, Msg: "empty step (two commas in a row?)"}
	}
	name, rest, hasArgs := cutOutsideQuotes(item, '=')
	name = strings.ToLower(strings.TrimSpace(name))
	k, ok := kindByName[name]
	if !ok {
		err := unknownKind(name).(*SpecError)
		err.Index = index
		return Step{}, err
	}
	s := Step{Kind: name, Params: map[string]string{}}
	if !hasArgs {
		return s, nil
	}
	tokens, err := SplitOutsideQuotes(rest, ':')
	if err != nil {
		return Step{}, &SpecError{Index: index, Kind: name, Msg: err.Error()}
	}
	for j, tok := range tokens {
		tok = strings.TrimSpace(tok)
		key, raw, named := cutOutsideQuotes(tok, '=')
		if !named {
			raw = tok
		}
		val, err := Unquote(raw)
		if err != nil {
			se := &SpecError{Index: index, Kind: name, Msg: err.Error()}
			if named {
				se.Param = strings.ToLower(strings.TrimSpace(key))
			}
			return Step{}, se
		}
		if !named {
			if j != 0 || k.short == nil {
				return Step{}, &SpecError{Index: index, Kind: name, Msg: fmt.Sprintf("%q should be name=value", tok)}
			}
			params, err := k.short.parse(val)
			if err != nil {
				return Step{}, &SpecError{Index: index, Kind: name, Msg: err.Error()}
			}
			for pk, pv := range params {
				s.Params[pk] = pv
			}
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		if _, ok := k.info.Param(key); !ok {
			return Step{}, &SpecError{Index: index, Kind: name, Param: key, Msg: "no such parameter (has: " + paramNames(k.info) + ")"}
		}
		s.Params[key] = val
	}
	return s, nil
}

func paramNames(k KindInfo) string {
	if len(k.Params) == 0 {
		return "none"
	}
	names := make([]string, len(k.Params))
	for i, p := range k.Params {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// String writes the chain in its text form; ParseChain reads it back.
// Parameters at their default value are left out. Disabled steps are left
// out too: the text form describes what is applied.
func (c Chain) String() string {
	var parts []string
	for _, s := range c {
		if s.Disabled {
			continue
		}
		parts = append(parts, s.String())
	}
	return strings.Join(parts, ",")
}

// String writes one step in the text form.
func (s Step) String() string {
	k, ok := kindByName[s.Kind]
	if !ok {
		return s.Kind
	}
	var b strings.Builder
	b.WriteString(s.Kind)
	used := map[string]bool{}
	sep := "="
	if k.short != nil {
		if text, names := k.short.format(s); text != "" {
			b.WriteString("=" + Quote(text))
			sep = ":"
			for _, n := range names {
				used[n] = true
			}
		}
	}
	for _, p := range k.info.Params {
		v, set := s.Params[p.Name]
		if !set || used[p.Name] || v == p.Default {
			continue
		}
		b.WriteString(sep + p.Name + "=" + Quote(v))
		sep = ":"
	}
	return b.String()
}

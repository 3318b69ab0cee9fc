// Package version reads PicPool's application metadata (name, ID, version,
// build) from FyneApp.toml, the one place it is written down. The root
// package embeds that file and hands it to Parse; `fyne package` reads the
// same file when it builds the installable apps.
package version

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Info is the [Details] table of FyneApp.toml, plus its [Migrations].
type Info struct {
	Name, ID, Version, Icon string
	Build                   int
	Migrations              map[string]bool
}

// Release reports whether this binary was built for release (`fyne package
// -release` adds the "release" build tag).
const Release = release

var semver = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)

// Parse reads the keys it needs from FyneApp.toml. It understands the subset
// of TOML that file uses (tables, comments, strings, integers, booleans, and
// the arrays of the [LinuxAndBSD] table, which it skips), and requires Name,
// ID and an x.y.z Version.
func Parse(toml []byte) (Info, error) {
	info := Info{Migrations: map[string]bool{}}
	table := ""
	sc := bufio.NewScanner(bytes.NewReader(toml))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if strings.HasPrefix(line, "[") {
			table = strings.TrimSpace(strings.Trim(line, "[]"))
			continue
		}
		key, raw, ok := strings.Cut(line, "=")
		if !ok {
			continue // e.g. the continuation of a multi-line array
		}
		key = strings.Trim(strings.TrimSpace(key), `"`)
		raw = strings.TrimSpace(raw)
		switch table {
		case "Details":
			switch key {
			case "Name", "ID", "Version", "Icon":
				s, err := str(raw)
				if err != nil {
					return Info{}, fmt.Errorf("FyneApp.toml line %d: %s: %w", n, key, err)
				}
				switch key {
				case "Name":
					info.Name = s
				case "ID":
					info.ID = s
				case "Version":
					info.Version = s
				case "Icon":
					info.Icon = s
				}
			case "Build":
				b, err := strconv.Atoi(stripComment(raw))
				if err != nil {
					return Info{}, fmt.Errorf("FyneApp.toml line %d: Build: %w", n, err)
				}
				info.Build = b
			}
		case "Migrations":
			b, err := strconv.ParseBool(stripComment(raw))
			if err != nil {
				return Info{}, fmt.Errorf("FyneApp.toml line %d: %s: %w", n, key, err)
			}
			info.Migrations[key] = b
		}
	}
	if err := sc.Err(); err != nil {
		return Info{}, err
	}
	switch {
	case info.Name == "":
		return Info{}, fmt.Errorf("FyneApp.toml: no Name in [Details]")
	case info.ID == "":
		return Info{}, fmt.Errorf("FyneApp.toml: no ID in [Details]")
	case !semver.MatchString(info.Version):
		return Info{}, fmt.Errorf("FyneApp.toml: Version %q in [Details] is not x.y.z", info.Version)
	}
	return info, nil
}

// str reads a TOML basic ("...") or literal ('...') string, with an optional
// trailing comment.
func str(raw string) (string, error) {
	if raw == "" {
		return "", fmt.Errorf("no value")
	}
	switch raw[0] {
	case '\'':
		end := strings.IndexByte(raw[1:], '\'')
		if end < 0 {
			return "", fmt.Errorf("unterminated string %s", raw)
		}
		return raw[1 : 1+end], nil
	case '"':
		for i := 1; i < len(raw); i++ {
			switch raw[i] {
			case '\\':
				i++
			case '"':
				return strconv.Unquote(raw[:i+1])
			}
		}
		return "", fmt.Errorf("unterminated string %s", raw)
	}
	return "", fmt.Errorf("want a quoted string, got %s", raw)
}

func stripComment(raw string) string {
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw = raw[:i]
	}
	return strings.TrimSpace(raw)
}

package processing

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Chains survive their text form, JSON and a preset file unchanged, quoted
// values included.
func TestChainTextRoundTrip(t *testing.T) {
	logo := writeImage(t, "my logo, v2.png", flat(4, 4, red))
	specs := []string{
		"watermark='© Ann Smith, 2026':size=3%:anchor=top-left:margin=12",
		`watermark="it's: mine":angle=-30:effect=outline:effectcolor=#ff000080`,
		"watermark=Ann's photos:bold=true:opacity=50",
		`watermark=say 'hi' "now"`,
		`watermark='say ''hi'', "now"'`,
		"watermark=' padded '",
		"overlay=" + Quote(logo) + ":size=15%:opacity=70:tile=true",
		"canvas=1080x1080:background=transparent,canvas=1/1:anchor=top,canvas=border=3%",
		"trim=5,autolevel=1%:mode=channels:whitebalance=true,smartcrop=400x300:filter=linear",
		"resize=1920x0,sharpen=0.8,grayscale",
		"resize=800x600:mode=fill:anchor=top:filter=catmullrom",
		"resize=1000x0:enlarge=false",
		"crop=100x50+10+20,crop=16/9:anchor=bottom,crop=300x200:anchor=left",
		"rotate=15:background=#000000,rotate=90,flip=v,flip=h,transpose,transverse",
		"blur=2.5,sharpen=1,brightness=-10,contrast=20,gamma=1.8,saturation=50,hue=-30,invert",
	}
	for _, s := range specs {
		c, err := ParseChain(s)
		if err != nil {
			t.Fatalf("ParseChain(%q): %v", s, err)
		}
		if got := c.String(); got != s {
			t.Errorf("String() = %q, want %q", got, s)
		}
		again, err := ParseChain(c.String())
		if err != nil || !reflect.DeepEqual(again, c) {
			t.Errorf("text round trip of %q: %v, %v", s, again, err)
		}
		data, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back Chain
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("unmarshal %s: %v", data, err)
		}
		if back.String() != c.String() {
			t.Errorf("JSON round trip: %q became %q (%s)", c.String(), back.String(), data)
		}
		p := Preset{Name: "p", Filters: c}
		path := filepath.Join(t.TempDir(), "p.json")
		if err := SavePreset(path, p); err != nil {
			t.Fatal(err)
		}
		if loaded, err := LoadPreset(path); err != nil || !reflect.DeepEqual(loaded, p) {
			t.Errorf("preset round trip of %q: %+v, %v", s, loaded.Filters, err)
		}
	}
}

func TestChainJSONTypes(t *testing.T) {
	c, _ := ParseChain("resize=1920x0:enlarge=false,rotate=15:background=#000")
	data, _ := json.Marshal(c)
	want := `[{"kind":"resize","params":{"enlarge":false,"height":0,"width":1920}},{"kind":"rotate","params":{"angle":15,"background":"#000"}}]`
	if string(data) != want {
		t.Errorf("got  %s\nwant %s", data, want)
	}
	var back Chain
	if err := json.Unmarshal([]byte(`[{"kind":"sharpen","params":{"sigma":"1.5"}},{"kind":"invert","disabled":true}]`), &back); err != nil {
		t.Fatal(err)
	}
	if back[0].Params["sigma"] != "1.5" || !back[1].Disabled {
		t.Errorf("got %+v", back)
	}
	if err := json.Unmarshal([]byte(`[{"kind":"blur","params":{"sigma":[1]}}]`), &back); err == nil {
		t.Error("an array parameter was accepted")
	}
	if err := json.Unmarshal([]byte(`[{"kind":"blur","sigma":1}]`), &back); err == nil {
		t.Error("an unknown field was accepted")
	}
}

func TestBadSpecsNameStepAndParameter(t *testing.T) {
	cases := []struct{ spec, want string }{
		{"resize=-5x0", `step 1 (resize): parameter "width": -5 is outside 0..65535`},
		{"resize=0x0", `step 1 (resize): parameter "width": width and height cannot both be 0`},
		{"resize=100", `step 1 (resize): "100" should be WxH`},
		{"resize=100x0:filter=magic", `step 1 (resize): parameter "filter": "magic" is not one of`},
		{"resize=100x0:size=3", `step 1 (resize): parameter "size": no such parameter`},
		{"resize=10x10:mode=fill:anchor=middle", `parameter "anchor": "middle" is not one of`},
		{"resize=10x0:mode=fill", `parameter "height": fill needs both`},
		{"grayscale,sharpen=abc", `step 2 (sharpen): parameter "sigma": "abc" is not a number`},
		{"sharpen=NaN", `step 1 (sharpen): parameter "sigma": "NaN" is not a finite number`},
		{"blur=Inf", `is not a finite number`},
		{"blur=1e9", `step 1 (blur): parameter "sigma": 1e+09 is outside 0.01..100`},
		{"blur=0", `parameter "sigma": 0 is outside 0.01..100`},
		{"blur=-1", `parameter "sigma": -1 is outside`},
		{"gamma=0", `parameter "gamma": 0 is outside`},
		{"brightness=150", `parameter "percent": 150 is outside -100..100`},
		{"hue=400", `parameter "degrees": 400 is outside -180..180`},
		{"rotate=45:background=purpleish", `parameter "background": "purpleish" is not a colour`},
		{"crop=0x10", `step 1 (crop): parameter "width": a crop needs`},
		{"crop=10x10+5", `should be WxH+X+Y`},
		{"crop=3/0", `is not an aspect ratio`},
		{"crop=10x10:x=5", `parameter "x": give both x and y`},
		{"flip=d", `parameter "direction": "d" is not one of h, v`},
		{"invert=1", `step 1 (invert): "1" should be name=value`},
		{"sepia", `step 1: unknown filter "sepia"`},
		{"grayscale,,invert", `step 2: empty step`},
		{"resize=1.5x2", `parameter "width": "1.5" is not a whole number`},
		{"resize=70000x0", `parameter "width": 70000 is outside 0..65535`},
	}
	for _, tc := range cases {
		_, err := ParseChain(tc.spec)
		if err == nil {
			t.Errorf("ParseChain(%q) accepted a bad spec", tc.spec)
			continue
		}
		var se *SpecError
		if !errors.As(err, &se) {
			t.Errorf("ParseChain(%q): %T is not a *SpecError", tc.spec, err)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseChain(%q) = %q, want it to contain %q", tc.spec, err, tc.want)
		}
	}
}

func TestCompileChecksStepsFromJSON(t *testing.T) {
	var c Chain
	if err := json.Unmarshal([]byte(`[{"kind":"resize","params":{"width":100}},{"kind":"blur","params":{"sigma":500}}]`), &c); err != nil {
		t.Fatal(err)
	}
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), `step 2 (blur): parameter "sigma": 500 is outside`) {
		t.Errorf("Validate = %v", err)
	}
	// A disabled step is still checked: the user will enable it later.
	c = Chain{{Kind: "blur", Params: map[string]string{"sigma": "-1"}, Disabled: true}}
	if c.Validate() == nil {
		t.Error("a bad disabled step passed")
	}
}

func TestNewStepDefaultsAreValid(t *testing.T) {
	for _, k := range Kinds() {
		s, err := NewStep(k.Name)
		if err != nil {
			t.Fatal(err)
		}
		err = Chain{s}.Validate()
		// Some kinds need a size, a text or a file: their defaults are
		// deliberately empty.
		needInput := map[string]bool{"resize": true, "crop": true, "canvas": true, "smartcrop": true, "watermark": true, "overlay": true}
		if needInput[k.Name] != (err != nil) {
			t.Errorf("%s defaults: %v", k.Name, err)
		}
		for _, p := range k.Params {
			if p.Default == "" {
				continue
			}
			if _, err := ValidateParam(p, p.Default); err != nil {
				t.Errorf("%s.%s default %q: %v", k.Name, p.Name, p.Default, err)
			}
		}
	}
	if _, err := NewStep("nope"); err == nil {
		t.Error("NewStep accepted an unknown kind")
	}
}

func TestPresetRoundTrip(t *testing.T) {
	c, _ := ParseChain("resize=1920x0,sharpen=0.8")
	p := Preset{Name: "web", Filters: c, Format: "jpeg", Quality: 85, OnExists: Rename, Suffix: "_web", Metadata: "none", KeepDates: true}
	path := t.TempDir() + "/web.json"
	if err := SavePreset(path, p); err != nil {
		t.Fatal(err)
	}
	back, err := LoadPreset(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, p) {
		t.Errorf("got %+v, want %+v", back, p)
	}
	for _, bad := range []string{
		`{"filters":[{"kind":"blur","params":{"sigma":-2}}]}`,
		`{"filters":[],"format":"heic"}`,
		`{"filters":[],"quality":101}`,
		`{"filters":[],"on_exists":"merge"}`,
		`{"filters":[],"metadata":"gps"}`,
		`{"filters":[],"colour":"red"}`,
		`{"filters":`,
	} {
		if _, err := ParsePreset([]byte(bad)); err == nil {
			t.Errorf("ParsePreset accepted %s", bad)
		}
	}
}

// Quoted values hold what the grammar's delimiters would split, and JSON
// keeps them as plain strings.
func TestQuotedValues(t *testing.T) {
	c, _ := ParseChain("watermark='a, b':size=3%")
	if got := c[0].Params["text"]; got != "a, b" {
		t.Errorf("the quoted text reads as %q", got)
	}
	if c, _ := ParseChain("watermark='it''s, ok'"); c[0].Params["text"] != "it's, ok" || c.String() != `watermark="it's, ok"` {
		t.Errorf("a doubled quote: %q, written %s", c[0].Params["text"], c)
	}
	data, _ := json.Marshal(c)
	if want := `[{"kind":"watermark","params":{"size":"3%","text":"a, b"}}]`; string(data) != want {
		t.Errorf("JSON %s, want %s", data, want)
	}
}

func TestQuoting(t *testing.T) {
	for _, v := range []string{"", "plain", "a,b", "a:b", "a;b", "a=b", " lead", "trail ", "'", `"`, "it's", `say "x"`, `'both" '`, "©\u00a0x"} {
		q := Quote(v)
		back, err := Unquote(q)
		if err != nil || back != v {
			t.Errorf("Quote(%q) = %s reads back as %q, %v", v, q, back, err)
		}
		if parts, err := SplitOutsideQuotes("filters="+q+";format=webp", ';'); err != nil || len(parts) != 2 {
			t.Errorf("%s in a ;-list splits into %q, %v", q, parts, err)
		}
	}
	if parts, _ := SplitOutsideQuotes("dir=web;filters=watermark='a;b':size=3%,grayscale;format=webp", ';'); len(parts) != 3 || parts[1] != "filters=watermark='a;b':size=3%,grayscale" {
		t.Errorf("outer split: %q", parts)
	}
}

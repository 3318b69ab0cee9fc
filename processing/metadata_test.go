package processing

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

// processOne runs one file through a processor made of the settings and
// returns its result.
func processOne(t *testing.T, src string, s Settings) Result {
	t.Helper()
	if s.OnExists == "" {
		s.OnExists = Overwrite
	}
	p, err := NewProcessor(s)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Process(context.Background(), Source{Path: src}, nil)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return res
}

// changedByFilters are the tags an output may differ in from its source
// when its pixels were turned upright and resized: the orientation (1), the
// pixel dimensions (the written ones).
func changedByFilters(key string) bool {
	switch key {
	case "IFD0:Orientation", "XMP-tiff:Orientation", "ExifIFD:ExifImageWidth", "ExifIFD:ExifImageHeight",
		"XMP-exif:ExifImageWidth", "XMP-exif:ExifImageHeight":
		return true
	}
	return false
}

func isLocation(key string) bool {
	return strings.HasPrefix(key, "GPS:") || strings.HasPrefix(key, "XMP-exif:GPS")
}

// TestMetadataPolicies: tagged JPEG, PNG and TIFF sources, a chain that
// rotates and resizes, JPEG, PNG and TIFF outputs, each policy. exiftool
// finds every tag of the source in the output except what the policy
// removes and what the filters change (orientation 1, the new size); no
// thumbnail; with the location removed no byte of the GPS data is left in
// the file; stripped, only the ICC profile stays.
func TestMetadataPolicies(t *testing.T) {
	dir := t.TempDir()
	sources := map[string]string{}
	for _, f := range []string{"jpeg", "png", "tiff"} {
		sources[f] = imgtest.Tagged(t, filepath.Join(dir), f)
		os.Rename(sources[f], filepath.Join(dir, "src-"+f+filepath.Ext(sources[f])))
		sources[f] = filepath.Join(dir, "src-"+f+filepath.Ext(sources[f]))
	}
	chain := mustChain(t, "resize=200x0,rotate=90")
	type job struct {
		src, policy string
		format      codec.Format
		res         Result
	}
	var jobs []job
	paths := []string{sources["jpeg"], sources["png"], sources["tiff"]}
	for _, sf := range []string{"jpeg", "png", "tiff"} {
		for _, policy := range []MetadataPolicy{KeepAll, KeepNoLocation, StripAll} {
			for _, format := range []codec.Format{codec.JPEG, codec.PNG, codec.TIFF} {
				if imgtest.Race && sf != "jpeg" && policy != KeepNoLocation {
					continue // under -race, a sample: every policy from the JPEG, the default from every source
				}
				out := filepath.Join(dir, string(policy), sf)
				// Colours kept: this test is about the metadata, and the ICC
				// profile must come out as it went in.
				res := processOne(t, sources[sf], Settings{Chain: chain, Format: format, Naming: Naming{Dir: out}, Metadata: policy, Color: codec.ColorKeep})
				jobs = append(jobs, job{sf, string(policy), format, res})
				paths = append(paths, res.Output)
			}
		}
	}
	tags := imgtest.Tags(t, paths...)
	srcTags := map[string]map[string]any{"jpeg": tags[0], "png": tags[1], "tiff": tags[2]}
	for i, j := range jobs {
		name := fmt.Sprintf("%s to %s, %s", j.src, j.format, j.policy)
		out := tags[3+i]
		in := imgtest.MetaTags(srcTags[j.src])
		got := imgtest.MetaTags(out)
		if w, ok := out["ExifTool:Warning"]; ok {
			t.Errorf("%s: exiftool warns %v", name, w)
		}
		if len(j.res.Warnings) > 0 {
			t.Errorf("%s: warnings %q", name, j.res.Warnings)
		}
		data, err := os.ReadFile(j.res.Output)
		if err != nil {
			t.Fatal(err)
		}
		secret := bytes.Contains(data, []byte(imgtest.Secret))
		switch j.policy {
		case "none":
			for k := range got {
				tiffOwn := j.format == codec.TIFF && strings.Contains(k, "Resolution") // the TIFF writer's own
				if !strings.HasPrefix(k, "ICC") && !tiffOwn {
					t.Errorf("%s: %s = %v is left", name, k, got[k])
				}
			}
			if diffs := imgtest.DiffTags(in, got, func(k string) bool { return !strings.HasPrefix(k, "ICC") }); len(diffs) > 0 {
				t.Errorf("%s: the ICC profile changed: %s", name, diffs)
			}
			if secret {
				t.Errorf("%s: the GPS data are in the file", name)
			}
			if r := j.res.Metadata; !slices.Equal(r.Kept, []string{"ICC"}) || !slices.Equal(r.Removed, []string{"EXIF", "XMP", "IPTC"}) {
				t.Errorf("%s: report %+v", name, r)
			}
			continue
		case "no-location":
			if secret {
				t.Errorf("%s: the GPS data are still in the file", name)
			}
			for k := range got {
				if isLocation(k) {
					t.Errorf("%s: %s is left", name, k)
				}
			}
		case "all":
			if !secret || got["GPS:GPSLatitude"] != in["GPS:GPSLatitude"] {
				t.Errorf("%s: the location was not kept", name)
			}
		}
		skip := func(k string) bool { return changedByFilters(k) || (j.policy == "no-location" && isLocation(k)) }
		if diffs := imgtest.DiffTags(in, got, skip); len(diffs) > 0 {
			t.Errorf("%s: tags differ from the source's:\n  %s", name, strings.Join(diffs, "\n  "))
		}
		if o, ok := got["IFD0:Orientation"]; ok && o != 1.0 {
			t.Errorf("%s: EXIF orientation %v", name, o)
		}
		w, h := out["File:ImageWidth"], out["File:ImageHeight"]
		if j.format == codec.TIFF {
			w, h = out["IFD0:ImageWidth"], out["IFD0:ImageHeight"]
		}
		if ew, ok := got["ExifIFD:ExifImageWidth"]; ok && (ew != w || got["ExifIFD:ExifImageHeight"] != h) {
			t.Errorf("%s: EXIF says %vx%v, the file is %vx%v", name, ew, got["ExifIFD:ExifImageHeight"], w, h)
		}
		for k := range out {
			if strings.HasPrefix(k, "IFD1:") {
				t.Errorf("%s: a thumbnail is left (%s)", name, k)
			}
		}
		want := &MetadataReport{Kept: []string{"EXIF", "XMP", "IPTC", "ICC"}}
		if j.policy == "no-location" {
			want.Removed = append(want.Removed, "GPS")
		}
		if j.src == "jpeg" {
			want.Removed = append(want.Removed, "thumbnail")
		}
		if r := j.res.Metadata; !slices.Equal(r.Kept, want.Kept) || !slices.Equal(r.Removed, want.Removed) {
			t.Errorf("%s: report %+v, want %+v", name, r, want)
		}
	}
}

// TestMetadataOfPhotos: the shared camera photos, one per EXIF orientation,
// resized with the default policy: each comes out upright, its EXIF says
// orientation 1, and every other tag is the source's.
func TestMetadataOfPhotos(t *testing.T) {
	srcs, _ := filepath.Glob(filepath.Join(imgtest.Testdata(t), "photos", "*.jpg"))
	srcs = imgtest.Sample(srcs)
	if len(srcs) < 4 {
		t.Fatalf("only %d photos", len(srcs))
	}
	out := t.TempDir()
	var paths []string
	for _, src := range srcs {
		res := processOne(t, src, Settings{Chain: mustChain(t, "resize=300x0"), Format: codec.JPEG, Naming: Naming{Dir: out}})
		if len(res.Warnings) > 0 {
			t.Errorf("%s: %q", src, res.Warnings)
		}
		paths = append(paths, src, res.Output)
	}
	tags := imgtest.Tags(t, paths...)
	for i := 0; i < len(tags); i += 2 {
		name := filepath.Base(paths[i])
		in, got := imgtest.MetaTags(tags[i]), imgtest.MetaTags(tags[i+1])
		if diffs := imgtest.DiffTags(in, got, changedByFilters); len(diffs) > 0 {
			t.Errorf("%s: %s", name, strings.Join(diffs, "; "))
		}
		// Turned upright (2..8): 1; otherwise (1, none, the invalid 0 of
		// the _0 photos) as it was.
		o, had := in["IFD0:Orientation"]
		want := o
		if f, _ := o.(float64); f >= 2 && f <= 8 {
			want = 1.0
		}
		if g, ok := got["IFD0:Orientation"]; ok != had || g != want {
			t.Errorf("%s: orientation %v in the output (%v in the source)", name, g, o)
		}
		w, h := tags[i+1]["File:ImageWidth"].(float64), tags[i+1]["File:ImageHeight"].(float64)
		if strings.HasPrefix(name, "Landscape") != (w > h) {
			t.Errorf("%s: written %vx%v, not upright", name, w, h)
		}
	}
}

// TestUnreadableMetadata: a file whose EXIF or XMP cannot be read is still
// written, without that block, with a warning that says why.
func TestUnreadableMetadata(t *testing.T) {
	photo, err := os.ReadFile(filepath.Join(imgtest.Testdata(t), "photos", "Landscape_1.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	notXML := []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><rdf:RDF>unclosed")
	seg := append([]byte{0xFF, 0xE1, byte((len(notXML) + 2) >> 8), byte(len(notXML) + 2)}, notXML...)
	dir := t.TempDir()
	badXMP := filepath.Join(dir, "bad-xmp.jpg")
	os.WriteFile(badXMP, slices.Concat(photo[:2], seg, photo[2:]), 0o644)
	for src, want := range map[string]string{
		filepath.Join(imgtest.Testdata(t), "hostile", "exif_ifd_count_65535.jpg"): "EXIF dropped: IFD0 claims 65535 entries",
		badXMP: "XMP dropped: not well-formed XML",
	} {
		res := processOne(t, src, Settings{Naming: Naming{Dir: t.TempDir()}})
		if len(res.Warnings) != 1 || !strings.HasPrefix(res.Warnings[0], want) {
			t.Errorf("%s: warnings %q, want %q", filepath.Base(src), res.Warnings, want)
		}
		if _, err := codec.Probe(res.Output, codec.DecodeOptions{}); err != nil {
			t.Errorf("%s: output %v", filepath.Base(src), err)
		}
		d, err := codec.Decode(res.Output, codec.DecodeOptions{})
		if err != nil || len(d.Warnings) > 0 || (strings.Contains(want, "EXIF") && d.Meta.EXIF != nil) || d.Meta.XMP != nil {
			t.Errorf("%s: output %v, %q, EXIF %d bytes, XMP %d bytes", filepath.Base(src), err, d.Warnings, len(d.Meta.EXIF), len(d.Meta.XMP))
		}
	}
}

// TestKeepDates: with KeepDates the output has its source's modification
// time; without, the time it was written.
func TestKeepDates(t *testing.T) {
	src := filepath.Join(t.TempDir(), "old.jpg")
	data, err := os.ReadFile(filepath.Join(imgtest.Testdata(t), "photos", "Portrait_3.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(src, data, 0o644)
	old := time.Date(2009, 7, 14, 18, 30, 5, 123456789, time.UTC)
	if err := os.Chtimes(src, old, old); err != nil {
		t.Fatal(err)
	}
	for _, keep := range []bool{true, false} {
		res := processOne(t, src, Settings{Chain: mustChain(t, "resize=100x0"), Naming: Naming{Dir: t.TempDir()}, KeepDates: keep})
		st, err := os.Stat(res.Output)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.ModTime(); got.Equal(old) != keep || (!keep && time.Since(got) > time.Hour) {
			t.Errorf("KeepDates %v: output dated %v, source %v", keep, got, old)
		}
	}
}

// TestMetadataReport: what the report says for each policy and format,
// and for a profile the colour side replaced.
func TestMetadataReport(t *testing.T) {
	src := codec.Metadata{EXIF: []byte("II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00"), XMP: []byte("<x/>"), ICC: []byte("profile")}
	for _, c := range []struct {
		policy MetadataPolicy
		f      codec.Format
		icc    []byte
		want   MetadataReport
	}{
		{KeepNoLocation, codec.JPEG, src.ICC, MetadataReport{Kept: []string{"EXIF", "XMP", "ICC"}}},
		{StripAll, codec.PNG, src.ICC, MetadataReport{Kept: []string{"ICC"}, Removed: []string{"EXIF", "XMP"}}},
		{KeepAll, codec.GIF, src.ICC, MetadataReport{Removed: []string{"EXIF", "XMP", "ICC"}}},
		{KeepAll, codec.TIFF, []byte("sRGB"), MetadataReport{Kept: []string{"EXIF", "XMP"}, Converted: []string{"ICC"}}},
		{KeepAll, codec.JPEG, nil, MetadataReport{Kept: []string{"EXIF", "XMP"}, Removed: []string{"ICC"}}},
	} {
		_, rep, warn := outputMetadata(src, c.policy, c.f, false, 10, 10, c.icc)
		if rep == nil || !slices.Equal(rep.Kept, c.want.Kept) || !slices.Equal(rep.Removed, c.want.Removed) ||
			!slices.Equal(rep.Converted, c.want.Converted) || len(warn) > 0 {
			t.Errorf("%s to %s: %+v, %q; want %+v", c.policy, c.f, rep, warn, c.want)
		}
	}
}

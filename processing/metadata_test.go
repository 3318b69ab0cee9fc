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
	chain := mustChain(t, "rotate=90,resize=200x0")
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
				res := processOne(t, sources[sf], Settings{Chain: chain, Format: format, Naming: Naming{Dir: out}, Metadata: policy})
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

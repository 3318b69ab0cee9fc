package processing

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/picpool/picpool/codec"
)

// MetadataPolicy says what metadata an output keeps of its source's.
type MetadataPolicy string

const (
	// KeepAll keeps EXIF, XMP, IPTC and the ICC profile.
	KeepAll MetadataPolicy = "all"
	// KeepNoLocation keeps all but the location: the GPS data of EXIF and
	// XMP are removed, their bytes gone from the file. It is the default.
	KeepNoLocation MetadataPolicy = "no-location"
	// StripAll keeps nothing but the ICC profile the pixels need (see
	// outputMetadata).
	StripAll MetadataPolicy = "none"
)

// MetadataPolicies lists the policies, the default first.
func MetadataPolicies() []MetadataPolicy { return []MetadataPolicy{KeepNoLocation, KeepAll, StripAll} }

// ParseMetadataPolicy reads all, no-location or none ("" is no-location).
func ParseMetadataPolicy(s string) (MetadataPolicy, error) {
	switch MetadataPolicy(strings.ToLower(strings.TrimSpace(s))) {
	case "", KeepNoLocation:
		return KeepNoLocation, nil
	case KeepAll:
		return KeepAll, nil
	case StripAll:
		return StripAll, nil
	}
	return "", fmt.Errorf("unknown metadata policy %q (use all, no-location or none)", s)
}

// OrDefault is the policy, or KeepNoLocation for "".
func (p MetadataPolicy) OrDefault() MetadataPolicy {
	if p == "" {
		return KeepNoLocation
	}
	return p
}

// MetadataReport says what an output kept of its source's metadata,
// converted (the colour profile, when the pixels were), and removed.
type MetadataReport struct {
	Kept      []string `json:"kept,omitempty"`
	Converted []string `json:"converted,omitempty"`
	Removed   []string `json:"removed,omitempty"`
}

// outputMetadata is what one output gets of its source's metadata: the
// policy applied, the blocks made consistent with the output (orientation
// 1 when the pixels were turned upright, the pixel dimensions written, no
// EXIF thumbnail), and only what format f can hold. icc is the profile the
// output's pixels need, decided on the colour side: it is written whatever
// the policy, so that stripping metadata never changes how a photo looks.
// It returns the blocks, the report and the warnings (blocks dropped as
// unreadable or too large for the format).
func outputMetadata(src codec.Metadata, policy MetadataPolicy, f codec.Format, upright bool, w, h int, icc []byte) (codec.Metadata, *MetadataReport, []string) {
	rep := &MetadataReport{}
	var warn []string
	out := codec.Metadata{ICC: icc}
	if policy.OrDefault() != StripAll {
		edit := codec.MetaEdit{RemoveLocation: policy.OrDefault() == KeepNoLocation, Width: w, Height: h}
		if upright {
			edit.Orientation = 1
		}
		edited, done := codec.Metadata{EXIF: src.EXIF, XMP: src.XMP, IPTC: src.IPTC}.Edit(edit)
		out.EXIF, out.XMP, out.IPTC = edited.EXIF, edited.XMP, edited.IPTC
		warn = append(warn, done.Warnings...)
		if done.GPS {
			rep.Removed = append(rep.Removed, "GPS")
		}
		if done.Thumbnail {
			rep.Removed = append(rep.Removed, "thumbnail")
		}
	}
	fitted, why := codec.Fit(out, f)
	if f == codec.JPEG || f == codec.PNG || f == codec.TIFF {
		warn = append(warn, why...) // a block too large for the format: unexpected, so said
	}
	for _, b := range []struct {
		kind     codec.Block
		src, out []byte
	}{{codec.BlockEXIF, src.EXIF, fitted.EXIF}, {codec.BlockXMP, src.XMP, fitted.XMP}, {codec.BlockIPTC, src.IPTC, fitted.IPTC}, {codec.BlockICC, src.ICC, fitted.ICC}} {
		switch {
		case b.kind == codec.BlockICC && b.out != nil && !bytes.Equal(b.out, b.src):
			rep.Converted = append(rep.Converted, string(b.kind)) // a profile the colour side chose
		case b.out != nil:
			rep.Kept = append(rep.Kept, string(b.kind))
		case b.src != nil:
			rep.Removed = append(rep.Removed, string(b.kind))
		}
	}
	if len(rep.Kept)+len(rep.Converted)+len(rep.Removed) == 0 {
		rep = nil
	}
	return fitted, rep, warn
}

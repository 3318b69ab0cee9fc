package processing

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

// BenchmarkProcessMetadata is the reference job on the reference JPEG as
// it is (no metadata) and tagged by exiftool like a camera photo with
// EXIF, GPS, XMP, IPTC and an ICC profile, with the default policy (GPS
// removed), side by side: what reading, editing and writing the metadata
// cost on top of the pixels.
//
//	go test -run '^$' -bench ProcessMetadata -cpu 1 -count 5 ./processing/
func BenchmarkProcessMetadata(b *testing.B) {
	plain := imgtest.ReferenceFile(b)
	tagged := filepath.Join(b.TempDir(), "tagged.jpg")
	data, err := os.ReadFile(plain)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(tagged, data, 0o644); err != nil {
		b.Fatal(err)
	}
	imgtest.Tag(b, tagged)
	p, err := NewProcessor(Settings{Chain: mustChain(b, imgtest.RefChain), Format: codec.JPEG, Quality: imgtest.RefQuality,
		Naming: Naming{Dir: b.TempDir()}, OnExists: Overwrite})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, path string }{{"untagged", plain}, {"tagged", tagged}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				res, err := p.Process(context.Background(), Source{Path: c.path}, nil)
				if err != nil {
					b.Fatal(err)
				}
				if c.name == "tagged" && (res.Metadata == nil || len(res.Metadata.Kept) != 4) {
					b.Fatalf("metadata %+v", res.Metadata)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}

package processing

import (
	"context"
	"testing"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/internal/imgtest"
)

// BenchmarkOutputs is the reference job with one output (the web copy:
// resize to 1920 px, sharpen, JPEG q85), and with three from the same
// decode: that web copy, a 1024 px copy at q80 and a 256 px square
// thumbnail. Three outputs should cost well under twice one: the file is
// read and decoded once (shrink-on-load at the scale the largest needs),
// and the two smaller outputs resize and encode far fewer pixels. Compare
// the images/s figures (run with -cpu 1; see BenchmarkProcess).
//
//	go test -run '^$' -bench Outputs -cpu 1 -benchtime 10x ./processing/
func BenchmarkOutputs(b *testing.B) {
	src := Source{Path: imgtest.ReferenceFile(b), Rel: "ref.jpg"}
	web := Output{Label: "web", Chain: mustChain(b, imgtest.RefChain), Format: codec.JPEG, Quality: imgtest.RefQuality, Naming: Naming{Dir: "web"}, OnExists: Overwrite}
	medium := Output{Label: "medium", Chain: mustChain(b, "resize=1024x0"), Format: codec.JPEG, Quality: 80, Naming: Naming{Dir: "medium"}, OnExists: Overwrite}
	thumb := Output{Label: "thumb", Chain: mustChain(b, "resize=256x256:mode=fill"), Format: codec.JPEG, Quality: 80, Naming: Naming{Dir: "thumbs"}, OnExists: Overwrite}
	for _, c := range []struct {
		name string
		outs []Output
	}{{"1-output", []Output{web}}, {"3-outputs", []Output{web, medium, thumb}}} {
		b.Run(c.name, func(b *testing.B) {
			p, err := NewProcessor(Settings{Naming: Naming{Dir: b.TempDir()}, Outputs: c.outs})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := p.Process(context.Background(), src, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}

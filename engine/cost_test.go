package engine

import (
	"testing"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

// The memory budget's estimate counts the AV1 encoder's working memory for
// AVIF outputs: a frame's when the output is written as one (small outputs,
// or -avif-one-frame), one cell's when it is a grid; the other encoders add
// nothing. "same" resolves by the input's format.
func TestJobCostCountsTheAVIFEncoder(t *testing.T) {
	info := codec.Info{Format: "jpeg", Width: 4000, Height: 3000}
	avifIn := codec.Info{Format: "avif", Width: 4000, Height: 3000}
	resize, err := processing.ParseChain("resize=1920x0")
	if err != nil {
		t.Fatal(err)
	}
	cost := func(in codec.Info, o processing.Output) int64 {
		return jobCost(in, nil, [][]*processing.Pipeline{stepsOf(o.Chain)}, []processing.Output{o}, codec.DecodeOptions{})
	}
	base := cost(info, processing.Output{Format: codec.JPEG})
	if want := 3 * int64(12_000_000); base != want { // JPEG's YCbCr, no filter step
		t.Fatalf("JPEG to JPEG: %d, want %d", base, want)
	}
	const mb = 1 << 20
	grid := cost(info, processing.Output{Format: codec.AVIF})                         // 4x3 cells of 1000x1000
	oneFrame := cost(info, processing.Output{Format: codec.AVIF, AVIFOneFrame: true}) // the whole 12 MP
	web := cost(info, processing.Output{Format: codec.AVIF, Chain: resize})           // 1920x1440: one frame
	same := cost(avifIn, processing.Output{Format: codec.SameFormat, AVIFOneFrame: true})
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"grid", grid - base, 12*mb + 15*1000*1000},
		{"one frame", oneFrame - base, 12*mb + 15*12_000_000},
		{"same, from AVIF", same - avifIn.DecodeBytes(false), 12*mb + 15*12_000_000},
		{"WebP", cost(info, processing.Output{Format: codec.WEBP}) - base, 0},
	} {
		if c.got != c.want {
			t.Errorf("%s: the encoder adds %d, want %d", c.name, c.got, c.want)
		}
	}
	// The resized output: its two filter buffers (the 1920x1440 step beside
	// the head's 12 MP) and one frame of 1920x1440.
	if want := base + 4*12_000_000 + 2*4*1920*1440 + 12*mb + 15*1920*1440; web != want {
		t.Errorf("AVIF at 1920 px: %d, want %d", web, want)
	}
}

package codec

import (
	"bytes"
	"fmt"
	"image"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/picpool/picpool/internal/imgtest"
)

func BenchmarkDecode(b *testing.B) {
	data := imgtest.ReferenceJPEG(b)
	b.Run("image-jpeg", func(b *testing.B) {
		for b.Loop() {
			imgtest.DecodeJPEG(b, data)
		}
		imgtest.PerSecond(b, 4000*3000)
	})
	// libjpeg-turbo, at full size and at the DCT-scaled sizes shrink-on-load
	// picks (1/2 for the reference job's 1920 px).
	for _, denom := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("libjpeg-turbo-1:%d", denom), func(b *testing.B) {
			if !turboJPEG {
				b.Skip("built without libjpeg-turbo")
			}
			for b.Loop() {
				turboDecodeBytes(b, data, denom)
			}
			imgtest.PerSecond(b, 4000*3000)
		})
	}
}

func turboDecodeBytes(b testing.TB, data []byte, denom int) image.Image {
	hd, err := turboHeader(data)
	if err != nil {
		b.Fatal(err)
	}
	img, err := turboDecode(data, hd, denom)
	if err != nil {
		b.Fatal(err)
	}
	return img
}

func BenchmarkEncode(b *testing.B) {
	img := imaging.Sharpen(imaging.Resize(imgtest.DecodeJPEG(b, imgtest.ReferenceJPEG(b)), imgtest.RefWidth, 0, imaging.Lanczos), imgtest.RefSharpen)
	n := img.Bounds().Dx() * img.Bounds().Dy()
	for _, c := range []struct {
		name string
		fast bool
	}{{"image-jpeg", false}, {"libjpeg-turbo", true}} {
		b.Run(c.name, func(b *testing.B) {
			if c.fast && !turboJPEG {
				b.Skip("built without libjpeg-turbo")
			}
			var size int
			for b.Loop() {
				var buf bytes.Buffer
				if err := encode(&buf, img, EncodeOptions{Format: JPEG, Quality: imgtest.RefQuality}, c.fast); err != nil {
					b.Fatal(err)
				}
				size = buf.Len()
			}
			imgtest.PerSecond(b, n)
			b.ReportMetric(float64(size), "bytes")
		})
	}
}

// BenchmarkToSRGB converts the reference job's output (1920x1440) from Adobe
// RGB to sRGB, what PicPool adds to each such image, and a 12-MP CMYK image
// (converted at decode time).
func BenchmarkToSRGB(b *testing.B) {
	if !ColorManaged {
		b.Skip("built without colour management")
	}
	cv := NewColorConverter()
	adobe := profile(b, "ghostscript/a98.icc")
	img := noisy(1920, 1440)
	b.Run("adobe-rgb-1920x1440", func(b *testing.B) {
		for b.Loop() {
			if _, err := cv.ToSRGB(img, adobe); err != nil {
				b.Fatal(err)
			}
		}
		imgtest.PerSecond(b, 1920*1440)
	})
	cmyk := profile(b, "ghostscript/default_cmyk.icc")
	c := image.NewCMYK(image.Rect(0, 0, 4000, 3000))
	copy(c.Pix, noisy(4000, 3000).Pix)
	b.Run("cmyk-4000x3000", func(b *testing.B) {
		for b.Loop() {
			if _, err := cv.ToSRGB(c, cmyk); err != nil {
				b.Fatal(err)
			}
		}
		imgtest.PerSecond(b, 4000*3000)
	})
}

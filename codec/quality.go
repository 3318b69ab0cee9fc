package codec

// HasQuality reports whether the format has a quality knob
// (EncodeOptions.Quality): a size target searches it (see
// processing.SizeTarget). JPEG, WebP and AVIF have one (not when written
// losslessly); PNG, GIF, TIFF and BMP are lossless or fixed and only get
// smaller by having fewer pixels.
func (f Format) HasQuality() bool { return f == JPEG || f == WEBP || f == AVIF }

// DefaultQuality is the quality the format's encoder uses for Quality 0;
// 0 for formats without one.
func (f Format) DefaultQuality() int {
	switch f {
	case JPEG:
		return DefaultJPEGQuality
	case WEBP:
		return DefaultWebPQuality
	case AVIF:
		return DefaultAVIFQuality
	}
	return 0
}

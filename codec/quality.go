package codec

// HasQuality reports whether the format has a quality knob
// (EncodeOptions.Quality): a size target searches it (see
// processing.SizeTarget). JPEG has one; PNG, GIF, TIFF and BMP are
// lossless or fixed and only get smaller by having fewer pixels. Lossy
// encoders added later (WebP, AVIF) answer true here.
func (f Format) HasQuality() bool { return f == JPEG }

package codec

// Codecs lists this build's codecs for `picpool --version` and the About
// dialog, one line each: "JPEG codec: libjpeg-turbo …". Their versions come
// from the libraries themselves (cgo) or are those the WebAssembly modules
// were built from; docs/codecs.md has their licences.
func Codecs() []string {
	return []string{
		"JPEG codec: " + JPEGCodec,
		"HEIC codec (read): " + HEIFCodec,
		"AVIF codec: " + AVIFCodec,
		"WebP codec: " + WebPCodec,
		"PNG, GIF, TIFF, BMP: Go's image packages and golang.org/x/image",
	}
}

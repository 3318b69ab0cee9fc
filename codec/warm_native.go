//go:build cgo && !picpool_purego && (!picpool_wasmcodecs || picpool_static_heif)

package codec

// Warm has nothing to do in builds whose HEIC and AVIF codecs are linked in
// (wasmhost.go has the WebAssembly builds' own).
func Warm(inputs []string, outputs []Format) {}

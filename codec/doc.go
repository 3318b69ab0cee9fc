// Package codec knows image files: it refuses what is not a regular file,
// reads and checks headers before any pixel memory is allocated (the pixel
// limit), decodes (libjpeg-turbo where the build has it, Go's decoders
// otherwise) and turns images upright from their EXIF orientation, and
// encodes the output formats. Its errors are *FileError, with a kind and a
// message a person can act on. It knows nothing of filter chains, batches
// or workers: package processing uses it for one image at a time.
package codec

package codec

import (
	"path/filepath"
	"strings"
)

// imageExts are the extensions a folder walk picks up. Files given directly
// are always taken: their content decides.
var imageExts = map[string]bool{
	".jpg": true, ".jpeg": true, ".jpe": true, ".jfif": true, ".png": true, ".gif": true,
	".tif": true, ".tiff": true, ".bmp": true, ".webp": true,
	".heic": true, ".heif": true, ".hif": true, ".avif": true,
}

// HasImageExt reports whether a name has an extension PicPool reads.
func HasImageExt(name string) bool { return imageExts[strings.ToLower(filepath.Ext(name))] }

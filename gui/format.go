package gui

import (
	"fmt"
	"path/filepath"
	"time"
)

// bytesText writes a byte count the way file managers do: "3.2 MB".
func bytesText(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// durationText writes a duration as m:ss (or h:mm:ss), tenths under 10 s.
func durationText(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d < 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// megapixelsText writes a pixel count in megapixels.
func megapixelsText(px int64) string {
	mp := float64(px) / 1e6
	if mp >= 100 {
		return fmt.Sprintf("%.0f MP", mp)
	}
	return fmt.Sprintf("%.1f MP", mp)
}

// plural writes "1 file", "2 files".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// shortPath shows the last two elements of a path: "holiday/IMG_001.jpg".
func shortPath(p string) string {
	dir, base := filepath.Split(p)
	parent := filepath.Base(filepath.Clean(dir))
	if dir == "" || parent == "." || parent == string(filepath.Separator) {
		return base
	}
	return filepath.Join(parent, base)
}

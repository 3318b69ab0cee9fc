//go:build !cgo || picpool_nolcms

package codec

// Builds without cgo (or with -tags picpool_nolcms) have no colour engine:
// images with a profile keep their pixels and their profile, with a
// warning (see ColorConverter), and CMYK is converted without a profile.

// ColorEngine names the colour engine of this build.
func ColorEngine() string { return "none (built without lcms2)" }

// colorManaged says whether this build converts colours.
const colorManaged = false

const (
	pixRGBA8 = iota
	pixRGBA16SE
	pixGray8
	pixGray16
	pixCMYK8
)

type lcmsTransform struct{}

func newTransform([]byte, int, bool) (*lcmsTransform, error) { return nil, ErrNoColorManagement }

func (*lcmsTransform) run(_, _ []byte, _, _, _, _ int) {}

func (*lcmsTransform) free() {}

func newColorFast([]byte) (*colorFast, error) { return nil, ErrNoColorManagement }

//go:build !cgo

package processing

// Builds without cgo run the portable kernels.

// Kernels names the implementation of the fast filters' inner loops.
var Kernels = "Go"

func sumRows(out, base []uint8, off []int64, c []int16) { sumRowsGo(out, base, off, c) }

func gatherRow(out, src []uint8, start []int32, c []int16, n int) {
	gatherRowGo(out, src, start, c, n)
}

func sharpenRow(out, src, blurred []uint8) { sharpenRowGo(out, src, blurred) }

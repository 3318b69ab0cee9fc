//go:build !release

package version

const release = false

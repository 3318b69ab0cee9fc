package winconsole

import (
	"os"
	"testing"
)

// Under `go test` the standard streams are pipes or a terminal: usable, so
// Attach must leave them alone on every system.
func TestAttachKeepsUsableStreams(t *testing.T) {
	out, errf := os.Stdout, os.Stderr
	if Attach() {
		t.Fatal("Attach reopened a stream that was usable")
	}
	if os.Stdout != out || os.Stderr != errf {
		t.Fatal("Attach replaced os.Stdout or os.Stderr")
	}
}

//go:build unix

package isolation

import (
	"fmt"
	"os"
	"syscall"
)

// killedBy names the signal that ended the process ("signal 9, killed"),
// "" when it exited.
func killedBy(st *os.ProcessState) string {
	if st == nil {
		return ""
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return fmt.Sprintf("signal %d, %s", int(ws.Signal()), ws.Signal())
	}
	return ""
}

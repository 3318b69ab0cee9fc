//go:build windows

package winconsole

import (
	"log"
	"os"

	"golang.org/x/sys/windows"
)

// attachConsole is kernel32's AttachConsole, which x/sys/windows lacks.
var attachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

// attachParentProcess is ATTACH_PARENT_PROCESS, (DWORD)-1.
const attachParentProcess = ^uint32(0)

// Attach attaches to the parent process's console when stdout or stderr is
// not usable, and points the unusable ones at it (CONOUT$). It reports
// whether it reopened any stream. Started from Explorer there is no parent
// console, and nothing changes.
func Attach() bool {
	outOK, errOK := usable(windows.STD_OUTPUT_HANDLE), usable(windows.STD_ERROR_HANDLE)
	if outOK && errOK {
		return false // a console program, or both streams redirected
	}
	if r, _, _ := attachConsole.Call(uintptr(attachParentProcess)); r == 0 {
		return false // no parent console (ERROR_INVALID_HANDLE), or already attached
	}
	reopened := false
	if !outOK {
		if f := conout(windows.STD_OUTPUT_HANDLE, "/dev/stdout"); f != nil {
			os.Stdout, reopened = f, true
		}
	}
	if !errOK {
		if f := conout(windows.STD_ERROR_HANDLE, "/dev/stderr"); f != nil {
			os.Stderr, reopened = f, true
			log.SetOutput(os.Stderr) // the standard logger kept the old stderr
		}
	}
	return reopened
}

// usable reports whether a standard handle leads somewhere: a console, a
// file or a pipe. A GUI program started from a console has none.
func usable(std uint32) bool {
	h, err := windows.GetStdHandle(std)
	if err != nil || h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}

// conout opens the attached console's screen buffer and makes it the
// process's std handle, so child processes inherit it too.
func conout(std uint32, name string) *os.File {
	p, err := windows.UTF16PtrFromString("CONOUT$")
	if err != nil {
		return nil
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return nil
	}
	_ = windows.SetStdHandle(std, h)
	return os.NewFile(uintptr(h), name)
}

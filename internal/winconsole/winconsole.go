// Package winconsole lets PicPool's Windows binary print from the command
// line. `fyne package` links the Windows app as a GUI program
// (-H=windowsgui): started from cmd.exe or PowerShell it gets no console and
// its standard handles are empty, so `picpool --version` or `picpool run ...`
// would print nothing. Attach, called by main on the command-line path only,
// attaches to the console of the shell that started it and reopens
// os.Stdout and os.Stderr on it. Handles that are already usable (output
// redirected to a file or a pipe) are left alone. On other systems, and for
// a console binary, Attach does nothing.
package winconsole

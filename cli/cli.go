// Package cli is PicPool's headless face: subcommands that drive the same
// engine as the window, for scripts and servers. It imports no GUI code.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

// Exit statuses.
const (
	ExitOK       = 0   // every input processed or skipped
	ExitFailures = 1   // the batch ran, and some inputs failed
	ExitUsage    = 2   // bad arguments, bad filter spec, nothing to do
	ExitCanceled = 130 // interrupted (Ctrl-C), like a shell's 128+SIGINT
)

// Version is the program's version, set by main from FyneApp.toml.
var Version = "dev"

// command is one subcommand.
type command struct {
	summary string
	hidden  bool
	run     func(env *Env, args []string) int
}

var commands = map[string]command{}

func register(name string, c command) { commands[name] = c }

// Env is where a command reads and writes: tests give buffers.
type Env struct {
	Stdout, Stderr io.Writer
	// Interactive says whether to draw a live progress bar.
	Interactive bool
}

// IsCommand reports whether args start with a subcommand (or a global flag
// such as --version), i.e. whether main should take the command-line path.
func IsCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "-h", "-help", "--help", "help", "-version", "--version", "version":
		return true
	}
	_, ok := commands[args[0]]
	return ok
}

// Main runs a subcommand with the process's streams and returns the exit status.
func Main(args []string) int {
	return Run(&Env{Stdout: os.Stdout, Stderr: os.Stderr, Interactive: isTerminal(os.Stderr)}, args)
}

// Run runs a subcommand in env.
func Run(env *Env, args []string) int {
	if len(args) == 0 {
		usage(env.Stderr)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.run(env, []string{"-h"})
			}
		}
		usage(env.Stdout)
		return ExitOK
	case "-version", "--version", "version":
		fmt.Fprintln(env.Stdout, "picpool", Version)
		fmt.Fprintf(env.Stdout, "JPEG codec: %s; filter kernels: %s; colour: %s\n", codec.JPEGCodec, processing.Kernels, codec.ColorEngine())
		for _, c := range codec.Codecs()[1:] {
			fmt.Fprintln(env.Stdout, c)
		}
		return ExitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "picpool: unknown command %q\n", args[0])
		usage(env.Stderr)
		return ExitUsage
	}
	return c.run(env, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, `PicPool: batch image processing on every core.

Usage:
  picpool                      open the window
  picpool FILE|FOLDER...       open the window with these inputs
  picpool COMMAND [options]    run headless

Commands:`)
	names := make([]string, 0, len(commands))
	for n, c := range commands {
		if !c.hidden {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, `  version  print the version

Run "picpool COMMAND -h" for a command's options.`)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	if err != nil {
		return false
	}
	return st.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}

// parseFlags parses a command's flags. ok is false when the command must
// end at once, with code: ExitOK after -h, ExitUsage after a bad flag (the
// flag package has printed why).
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, false
		}
		return ExitUsage, false
	}
	return 0, true
}

// usageFailure returns the function a command reports bad usage with:
// "picpool CMD: message" on stderr, and ExitUsage.
func usageFailure(env *Env, cmd string) func(format string, a ...any) int {
	return func(format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "picpool "+cmd+": "+format+"\n", a...)
		return ExitUsage
	}
}

// list joins names for messages.
func list(names []string) string { return strings.Join(names, ", ") }

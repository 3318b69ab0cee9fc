package isolation

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/process"
)

// One worker process, seen from the supervisor: starting it, reading its
// frames, watching its memory, stopping it, and saying why it died.

// reasonCanceled marks a child stopped because its job was cancelled.
const reasonCanceled = "canceled"

// child is one worker process.
type child struct {
	cmd    *exec.Cmd
	pid    int
	stdin  io.WriteCloser
	out    *frameWriter
	frames chan message  // closed when the child's output ends
	exited chan struct{} // closed once the process has been waited for
	stderr *headBuffer
	limit  int64
	base   uint64 // resident memory when idle, after start

	mu         sync.Mutex
	state      *os.ProcessState // set before exited is closed
	readErr    error
	killReason string
	killDetail string
	peakRSS    uint64
}

func (s *Supervisor) spawn(ctx context.Context) (*child, error) {
	argv := s.opts.Command
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(append(os.Environ(), s.opts.Env...), "GOMAXPROCS=1")
	c := &child{cmd: cmd, frames: make(chan message), exited: make(chan struct{}), stderr: &headBuffer{max: 16 << 10}, limit: s.opts.MemoryLimit}
	cmd.Stderr = c.stderr
	cmd.WaitDelay = time.Second // in case something it started holds its output open
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start a worker process: %w", err)
	}
	c.stdin, c.pid = stdin, cmd.Process.Pid
	c.out = &frameWriter{w: stdin}
	go c.read(bufio.NewReader(stdout))

	fail := func(why string) (*child, error) {
		c.kill(ReasonCrash, "")
		c.drain()
		msg := fmt.Sprintf("the worker process (%s) %s", strings.Join(argv, " "), why)
		if detail := c.stderr.firstLines(3); detail != "" {
			msg += ": " + detail
		}
		return nil, errors.New(msg)
	}
	if err := c.out.send(message{Op: opConfig, Config: &config{MemoryLimit: s.opts.MemoryLimit}}); err != nil {
		return fail("did not start")
	}
	wait := time.NewTimer(startWait)
	defer wait.Stop()
	select {
	case m, ok := <-c.frames:
		switch {
		case !ok:
			<-c.exited
			why := "exited at once"
			if c.readErr != nil {
				why = "does not speak the worker protocol (" + c.readErr.Error() + ")"
			}
			return fail(why)
		case m.Op != opReady || m.Version != protocolVersion:
			return fail(fmt.Sprintf("answered %q version %d, want %q version %d", m.Op, m.Version, opReady, protocolVersion))
		}
	case <-wait.C:
		return fail("did not answer within " + startWait.String())
	case <-ctx.Done():
		c.kill(reasonCanceled, "")
		c.drain()
		return nil, ctx.Err()
	}
	if p, err := process.NewProcess(int32(c.pid)); err == nil {
		if mi, err := p.MemoryInfo(); err == nil {
			c.base = mi.RSS
		}
		if s.opts.MemoryLimit > 0 {
			go c.watch(p, s.opts.Watch)
		}
	}
	return c, nil
}

// read turns the child's output into frames, then waits for the process.
func (c *child) read(r *bufio.Reader) {
	for {
		m, err := readFrame(r)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				c.mu.Lock()
				c.readErr = err
				c.mu.Unlock()
				c.kill(ReasonCrash, "")
			}
			break
		}
		c.frames <- m
	}
	close(c.frames)
	c.cmd.Wait()
	// Not wait4's ru_maxrss for the peak: Linux carries it over from the
	// forked copy of this process, so every child would report at least
	// the supervisor's own size. VmHWM (in each result) starts afresh at exec.
	c.mu.Lock()
	c.state = c.cmd.ProcessState
	c.mu.Unlock()
	close(c.exited)
}

// watch stops the child when its resident memory passes the limit.
func (c *child) watch(p *process.Process, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-c.exited:
			return
		case <-tick.C:
		}
		mi, err := p.MemoryInfo()
		if err != nil {
			continue
		}
		c.notePeak(mi.RSS)
		if mi.RSS > c.base+uint64(c.limit) {
			c.kill(ReasonOutOfMemory, fmt.Sprintf("resident memory reached %s", formatBytes(int64(mi.RSS))))
			return
		}
	}
}

func (c *child) notePeak(rss uint64) {
	c.mu.Lock()
	c.peakRSS = max(c.peakRSS, rss)
	c.mu.Unlock()
}

func (c *child) peak() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.peakRSS
}

func (c *child) hasExited() bool {
	select {
	case <-c.exited:
		return true
	default:
		return false
	}
}

// kill stops the child at once; the first reason given is kept.
func (c *child) kill(reason, detail string) {
	c.mu.Lock()
	if c.killReason == "" {
		c.killReason, c.killDetail = reason, detail
	}
	c.mu.Unlock()
	c.cmd.Process.Kill()
}

// drain waits for the child's output to end and the process to be reaped.
func (c *child) drain() {
	for range c.frames {
	}
	<-c.exited
}

// stop closes the child's input, which ends its loop; a child that does not
// leave within a few seconds is killed.
func (c *child) stop() {
	c.stdin.Close()
	done := make(chan struct{})
	go func() {
		c.drain()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(orphanGrace + time.Second):
		c.kill(reasonCanceled, "")
		<-done
	}
}

// deathError explains why the child died during a job.
func (c *child) deathError(path, stage string, opts Options) error {
	c.mu.Lock()
	reason, detail, st := c.killReason, c.killDetail, c.state
	c.mu.Unlock()
	while := ""
	if stage != "" && stage != "starting" {
		while = " while " + stage
	}
	limit := formatBytes(opts.MemoryLimit)
	switch reason {
	case reasonCanceled:
		return canceled(path, context.Canceled)
	case ReasonTimeout:
		return &WorkerError{Reason: ReasonTimeout, Msg: fmt.Sprintf("timed out: still running after %s%s; its worker process was stopped", opts.Timeout, while)}
	case ReasonOutOfMemory:
		return &WorkerError{Reason: ReasonOutOfMemory, Msg: fmt.Sprintf("out of memory%s: %s, over the worker's %s limit; its worker process was stopped", while, detail, limit)}
	}
	text := c.stderr.String()
	if line, ok := outOfMemory(text); ok {
		msg := "out of memory" + while
		if opts.MemoryLimit > 0 {
			msg += ": the worker's " + limit + " limit was reached"
		}
		return &WorkerError{Reason: ReasonOutOfMemory, Msg: msg + " (" + line + ")"}
	}
	if sig := killedBy(st); sig != "" {
		return &WorkerError{Reason: ReasonCrash, Msg: fmt.Sprintf("crash: the worker process was killed (%s)%s", sig, while)}
	}
	if line := firstMatch(text, "panic: ", "fatal error: "); line != "" {
		return &WorkerError{Reason: ReasonCrash, Msg: fmt.Sprintf("crash%s: %s", while, line)}
	}
	code := -1
	if st != nil {
		code = st.ExitCode()
	}
	return &WorkerError{Reason: ReasonCrash, Msg: fmt.Sprintf("crash: the worker process exited with status %d%s", code, while)}
}

// outOfMemory recognises the runtime's (and the race detector's) messages
// for a failed allocation.
func outOfMemory(stderr string) (string, bool) {
	line := firstMatch(stderr, "runtime: out of memory", "fatal error: out of memory", "ThreadSanitizer failed to allocate",
		"cannot allocate memory")
	return line, line != ""
}

func firstMatch(text string, prefixes ...string) string {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		for _, p := range prefixes {
			if strings.Contains(line, p) {
				if len(line) > 300 {
					line = line[:300] + "…"
				}
				return line
			}
		}
	}
	return ""
}

// headBuffer keeps the first max bytes written since the last reset: a
// panic or a fatal error puts its message first, before the stacks.
type headBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (h *headBuffer) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if room := h.max - len(h.buf); room > 0 {
		h.buf = append(h.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (h *headBuffer) reset() {
	h.mu.Lock()
	h.buf = h.buf[:0]
	h.mu.Unlock()
}

func (h *headBuffer) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return string(h.buf)
}

func (h *headBuffer) firstLines(n int) string {
	lines := strings.Split(strings.TrimSpace(h.String()), "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, " / ")
}

// formatBytes writes n in binary units: "512 MiB", "1.5 GiB".
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n), -1
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	s := fmt.Sprintf("%.1f", v)
	s = strings.TrimSuffix(s, ".0")
	return s + " " + string("KMGTP"[i]) + "iB"
}

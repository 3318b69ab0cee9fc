//go:build unix

package isolation

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

const testdata = "../../shared/testdata"

func newSupervisor(t *testing.T, opts Options) *Supervisor {
	t.Helper()
	if opts.Workers == 0 {
		opts.Workers = 1
	}
	if opts.Command == nil {
		opts.Command = []string{os.Args[0]}
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func testJob(t *testing.T, out, path string) Job {
	t.Helper()
	chain, err := processing.ParseChain("resize=16x0")
	if err != nil {
		t.Fatal(err)
	}
	return Job{
		Source:   processing.Source{Path: path, Rel: filepath.Base(path)},
		Settings: processing.Settings{Chain: chain, Format: codec.PNG, Naming: processing.Naming{Dir: out}, OnExists: processing.Rename},
	}
}

func TestFramesRoundTripAndRefuseGarbage(t *testing.T) {
	var buf bytes.Buffer
	fw := &frameWriter{w: &buf}
	sent := message{Op: opResult, Result: &jobResult{Result: processing.Result{Output: "a.png", Width: 3}, Err: toWire(&processing.FileError{Path: "x", Kind: processing.ErrTruncated, Msg: "truncated JPEG"}), PeakRSS: 7}}
	if err := fw.send(sent); err != nil {
		t.Fatal(err)
	}
	got, err := readFrame(bufio.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	if got.Op != opResult || got.Result.Result.Output != "a.png" || got.Result.PeakRSS != 7 {
		t.Errorf("got %+v", got)
	}
	if err := got.Result.Err.err(); processing.KindOf(err) != processing.ErrTruncated || err.Error() != "truncated JPEG" {
		t.Errorf("error %v (%v)", err, processing.KindOf(err))
	}
	var huge [4]byte
	binary.BigEndian.PutUint32(huge[:], maxFrame+1)
	for name, data := range map[string][]byte{
		"too long":  huge[:],
		"cut short": {0, 0, 0, 9, '{'},
		"not JSON":  {0, 0, 0, 2, 'h', 'i'},
		"no op":     {0, 0, 0, 2, '{', '}'},
		"text":      []byte("hello from a program that is not a worker\n"),
	} {
		if _, err := readFrame(bufio.NewReader(bytes.NewReader(data))); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestDeathsAreExplainedAndTheWorkerRestarts sends one worker a panic, an
// exit and a hang past the timeout, and another a memory hog, each followed
// by a real file that must still convert on a fresh process. The hog's
// worker has no timeout: filling its memory takes a second or more under
// -race on a busy machine, and a timeout must not end it first.
func TestDeathsAreExplainedAndTheWorkerRestarts(t *testing.T) {
	out := t.TempDir()
	timed := newSupervisor(t, Options{Timeout: 2 * time.Second, MemoryLimit: 64 << 20})
	untimed := newSupervisor(t, Options{MemoryLimit: 64 << 20})
	for _, s := range []*Supervisor{timed, untimed} {
		if err := s.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	good := filepath.Join(testdata, "hostile", "one_px.png")
	cases := []struct {
		s                   *Supervisor
		input, reason, says string
	}{
		{timed, "panic.png", ReasonCrash, "crash while decoding: panic: the decoder exploded"},
		{timed, "exit.png", ReasonCrash, "crash: the worker process exited with status 3 while decoding"},
		{timed, "hang.png", ReasonTimeout, "timed out: still running after 2s while decoding"},
		{untimed, "hog.png", ReasonOutOfMemory, "out of memory while decoding"},
	}
	pids := map[int]bool{}
	deaths := map[*Supervisor]int{}
	for _, c := range cases {
		start := time.Now()
		_, err := c.s.Process(context.Background(), 0, testJob(t, out, filepath.Join(out, testPrefix+c.input)), nil)
		var we *WorkerError
		if !errors.As(err, &we) || we.Reason != c.reason || !strings.Contains(we.Msg, c.says) {
			t.Errorf("%s: %v, want %s: %q", c.input, err, c.reason, c.says)
		}
		t.Logf("%s: %v (%v)", c.input, err, time.Since(start).Round(time.Millisecond))
		deaths[c.s]++
		res, err := c.s.Process(context.Background(), 0, testJob(t, out, good), nil)
		if err != nil || res.Width != 16 {
			t.Fatalf("after %s: %+v, %v", c.input, res, err)
		}
		st := c.s.Stats()[0]
		if st.PID == 0 || pids[st.PID] || st.Started != deaths[c.s]+1 || st.Lost != deaths[c.s] {
			t.Errorf("after %s: stats %+v (pids so far %v)", c.input, st, pids)
		}
		pids[st.PID] = true
	}
}

func TestWorkersRunOnOneCore(t *testing.T) {
	out := t.TempDir()
	s := newSupervisor(t, Options{Workers: 2})
	for w := range 2 {
		res, err := s.Process(context.Background(), w, testJob(t, out, filepath.Join(out, testPrefix+"gomaxprocs.png")), nil)
		if err != nil || res.Width != 1 {
			t.Errorf("worker %d: GOMAXPROCS %d, %v; want 1", w, res.Width, err)
		}
	}
	stats := s.Stats()
	if stats[0].PID == 0 || stats[1].PID == 0 || stats[0].PID == stats[1].PID || stats[0].RSS == 0 {
		t.Errorf("stats %+v", stats)
	}
	// Two busy goroutines in one worker get one core at most, and Stats
	// says so (less on a machine busy with other work).
	s.Stats()
	if _, err := s.Process(context.Background(), 0, testJob(t, out, filepath.Join(out, testPrefix+"spin.png")), nil); err != nil {
		t.Fatal(err)
	}
	cpu := s.Stats()[0].CPUPercent
	t.Logf("two spinning goroutines: worker at %.0f%% CPU", cpu)
	if cpu <= 0 || cpu > 130 {
		t.Errorf("two spinning goroutines at %.0f%% CPU: want one core at most", cpu)
	}
}

// TestCancelStopsAJobThatIgnoresIt cancels jobs once they run (at their
// first stage, not after a delay that a busy machine can outlast before the
// job even starts): one that ignores the cancel is stopped after the grace,
// one that listens stops at once and keeps its process.
func TestCancelStopsAJobThatIgnoresIt(t *testing.T) {
	out := t.TempDir()
	s := newSupervisor(t, Options{})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var canceledAt time.Time
	_, err := s.Process(ctx, 0, testJob(t, out, filepath.Join(out, testPrefix+"hang.png")), func(string) error {
		canceledAt = time.Now()
		cancel()
		return nil
	})
	if processing.KindOf(err) != processing.ErrCanceled || canceledAt.IsZero() {
		t.Fatalf("%v (cancelled while running: %v), want canceled", err, !canceledAt.IsZero())
	}
	if d := time.Since(canceledAt); d > cancelGrace+5*time.Second {
		t.Errorf("took %v to cancel", d)
	}
	// A job that listens stops at once, without losing its process.
	if err := s.Start(context.Background()); err != nil { // a fresh process
		t.Fatal(err)
	}
	lost := s.Stats()[0].Lost
	ctx, cancel = context.WithCancel(context.Background())
	pid := 0
	_, err = s.Process(ctx, 0, testJob(t, out, filepath.Join(out, testPrefix+"slow.png")), func(string) error {
		pid = s.Stats()[0].PID
		cancel()
		return nil
	})
	if processing.KindOf(err) != processing.ErrCanceled {
		t.Fatalf("%v, want canceled", err)
	}
	if st := s.Stats()[0]; pid == 0 || st.PID != pid || st.Lost != lost {
		t.Errorf("a cooperative cancel cost the process: %+v, pid before %d", st, pid)
	}
}

// TestPausedTimeIsNotTimedOut holds the job at a stage (a paused batch)
// for longer than the timeout: only working time counts.
func TestPausedTimeIsNotTimedOut(t *testing.T) {
	out := t.TempDir()
	s := newSupervisor(t, Options{Timeout: 2 * time.Second})
	var stages []string
	res, err := s.Process(context.Background(), 0, testJob(t, out, filepath.Join(out, testPrefix+"slow.png")), func(st string) error {
		stages = append(stages, st)
		if st == processing.StageFiltering {
			time.Sleep(2500 * time.Millisecond)
		}
		return nil
	})
	if err != nil || res.Output != "slow" {
		t.Fatalf("%+v, %v", res, err)
	}
	if strings.Join(stages, ",") != "decoding,filtering,encoding" {
		t.Errorf("stages %v", stages)
	}
	// A stage that refuses (a cancelled batch) stops the job there.
	_, err = s.Process(context.Background(), 0, testJob(t, out, filepath.Join(out, testPrefix+"slow.png")), func(st string) error {
		if st == processing.StageFiltering {
			return context.Canceled
		}
		return nil
	})
	if processing.KindOf(err) != processing.ErrCanceled {
		t.Errorf("%v, want canceled", err)
	}
}

func TestDeathWhileWritingLeavesNoTemporaryFile(t *testing.T) {
	out := t.TempDir()
	s := newSupervisor(t, Options{})
	_, err := s.Process(context.Background(), 0, testJob(t, out, filepath.Join(out, testPrefix+"write.png")), nil)
	var we *WorkerError
	if !errors.As(err, &we) || !strings.Contains(we.Msg, "while writing") {
		t.Fatalf("%v", err)
	}
	tmp, _ := filepath.Glob(filepath.Join(out, ".picpool-*.tmp"))
	if len(tmp) != 1 {
		t.Fatalf("the test worker should have left one temporary file: %v", tmp)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if tmp, _ := filepath.Glob(filepath.Join(out, ".picpool-*.tmp")); len(tmp) != 0 {
		t.Errorf("left after Close: %v", tmp)
	}
	if _, err := s.Process(context.Background(), 0, testJob(t, out, filepath.Join(testdata, "hostile", "one_px.png")), nil); err == nil {
		t.Error("Process after Close worked")
	}
}

func TestACommandThatIsNotAWorkerFailsAtStart(t *testing.T) {
	for name, cmd := range map[string][]string{
		"missing":      {filepath.Join(t.TempDir(), "no-such-program")},
		"not protocol": {"/bin/sh", "-c", "echo hello; exec sleep 5"},
		"exits":        {"/bin/sh", "-c", "echo oops >&2; exit 1"},
	} {
		s, err := New(Options{Workers: 2, Command: cmd})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		err = s.Start(context.Background())
		s.Close()
		if err == nil {
			t.Errorf("%s: started", name)
			continue
		}
		t.Logf("%s: %v (%v)", name, err, time.Since(start).Round(time.Millisecond))
		if time.Since(start) > 10*time.Second {
			t.Errorf("%s: took %v", name, time.Since(start))
		}
	}
}

// orphanParent is the test binary as a supervising parent: it starts two
// workers, prints their PIDs, gives worker 0 a job that never ends and
// waits to be killed.
func orphanParent() int {
	s, err := New(Options{Workers: 2, Command: []string{os.Args[0]}})
	if err == nil {
		err = s.Start(context.Background())
	}
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	var pids []string
	for _, st := range s.Stats() {
		pids = append(pids, strconv.Itoa(st.PID))
	}
	out, _ := os.MkdirTemp("", "orphan")
	defer os.RemoveAll(out)
	go s.Process(context.Background(), 0, Job{Source: processing.Source{Path: filepath.Join(out, testPrefix+"hang.png")}}, func(string) error {
		fmt.Println("pids:", strings.Join(pids, " "))
		return nil
	})
	select {}
}

// TestWorkersDoNotOutliveAKilledParent kills a supervising process with
// SIGKILL (no chance to clean up): its children see their input end and
// leave, the one stuck in a job after a short grace.
func TestWorkersDoNotOutliveAKilledParent(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), roleEnv+"=parent")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "pids: ") {
		t.Fatalf("parent said %q, %v", line, err)
	}
	var pids []int
	for _, f := range strings.Fields(strings.TrimPrefix(line, "pids: ")) {
		pid, _ := strconv.Atoi(f)
		pids = append(pids, pid)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	deadline := time.Now().Add(orphanGrace + 10*time.Second)
	for _, pid := range pids {
		for alive(pid) {
			if time.Now().After(deadline) {
				syscall.Kill(pid, syscall.SIGKILL)
				t.Fatalf("worker %d still running %v after its parent died", pid, orphanGrace+10*time.Second)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// alive reports whether pid runs (a zombie waiting for init counts as gone).
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	if i := bytes.LastIndexByte(data, ')'); i > 0 && i+2 < len(data) {
		return data[i+2] != 'Z' && data[i+2] != 'X'
	}
	return true
}

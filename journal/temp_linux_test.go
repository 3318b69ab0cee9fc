package journal

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/picpool/picpool/processing"
)

// TestTempWriterHelper is the writer of TestRemoveTempOfKilledWriters'
// temporary files, in a process of its own: it creates one as
// WriteAtomic does, says its name and waits to be killed.
func TestTempWriterHelper(t *testing.T) {
	dir := os.Getenv("PICPOOL_TEMP_WRITER_DIR")
	if dir == "" {
		t.Skip("the writer process of TestRemoveTempOfKilledWriters")
	}
	f, err := processing.CreateTemp(dir)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("half an output")
	os.Stdout.WriteString(f.Name() + "\n")
	time.Sleep(time.Minute)
}

// startWriter starts a writer process and returns it with its
// temporary file.
func startWriter(t *testing.T, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestTempWriterHelper$")
	cmd.Env = append(os.Environ(), "PICPOOL_TEMP_WRITER_DIR="+dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	name, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the writer said no name: %v", err)
	}
	return cmd, strings.TrimSpace(name)
}

// TestRemoveTempOfKilledWriters: in a folder other processes write in, a
// fresh temporary file of a writer SIGKILLed on this machine is removed;
// a running writer's, and another machine's fresh one, stay; any old one
// goes.
func TestRemoveTempOfKilledWriters(t *testing.T) {
	dir := t.TempDir()
	killed, killedTemp := startWriter(t, dir)
	_, liveTemp := startWriter(t, dir)
	killed.Process.Signal(syscall.SIGKILL)
	killed.Wait()
	if parts := strings.Split(filepath.Base(killedTemp), "-"); len(parts) != 4 || parts[2] != strconv.Itoa(killed.Process.Pid) {
		t.Fatalf("%s is not named for its writer, process %d", killedTemp, killed.Process.Pid)
	}
	other := filepath.Join(dir, ".picpool-0123456789ab-"+strings.Split(filepath.Base(killedTemp), "-")[2]+"-42.tmp")
	old := filepath.Join(dir, ".picpool-fedcba987654-1-7.tmp")
	for _, p := range []string{other, old} {
		os.WriteFile(p, []byte("x"), 0o644)
	}
	os.Chtimes(old, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour))
	removed, err := processing.RemoveTemp(dir, time.Now().Add(-10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	gone := map[string]bool{}
	for _, p := range removed {
		gone[p] = true
	}
	for p, want := range map[string]bool{killedTemp: true, liveTemp: false, other: false, old: true} {
		if gone[p] != want {
			t.Errorf("%s removed: %v, want %v", filepath.Base(p), gone[p], want)
		}
	}
}

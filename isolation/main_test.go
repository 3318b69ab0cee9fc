package isolation

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

// roleEnv makes the test binary a worker process (or a supervising parent
// for the orphan test): TestMain sets it to "worker" before running the
// tests, so every child a test starts from os.Args[0] serves jobs.
const roleEnv = "PICPOOL_ISOLATION_TEST_ROLE"

// testPrefix starts the names of inputs that misbehave on purpose in the
// test worker (see testHandler).
const testPrefix = "isolation-test-"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "worker":
		var cache processorCache
		err := serve(os.Stdin, os.Stdout, testHandler(cache.process))
		if err != nil && !errors.Is(err, ErrParentGone) {
			fmt.Fprintln(os.Stderr, "worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	case "parent":
		os.Setenv(roleEnv, "worker")
		os.Exit(orphanParent())
	}
	os.Setenv(roleEnv, "worker")
	os.Exit(m.Run())
}

// testHandler processes real files with real, and misbehaves for inputs
// named isolation-test-<what>...:
//
//	hang     never returns, ignoring cancellation
//	panic    panics while decoding
//	exit     exits with status 3
//	hog      allocates memory until it is stopped
//	slow     takes 300 ms per stage, respecting cancellation
//	write    dies in the writing stage with a temporary file left behind
//	gomaxprocs  returns its GOMAXPROCS as the result's width
//	spin     keeps two goroutines busy for a second
func testHandler(real handler) handler {
	return func(ctx context.Context, job *jobRequest, stage processing.StageFunc) (processing.Result, error) {
		name := filepath.Base(job.Source.Path)
		what, ok := strings.CutPrefix(name, testPrefix)
		if !ok {
			return real(ctx, job, stage)
		}
		if err := stage(processing.StageDecoding); err != nil {
			return processing.Result{}, canceled(job.Source.Path, err)
		}
		switch {
		case strings.HasPrefix(what, "hang"):
			select {}
		case strings.HasPrefix(what, "panic"):
			panic("the decoder exploded")
		case strings.HasPrefix(what, "exit"):
			os.Exit(3)
		case strings.HasPrefix(what, "hog"):
			var keep [][]byte
			for {
				b := make([]byte, 8<<20)
				for i := range b {
					b[i] = 1
				}
				keep = append(keep, b)
			}
		case strings.HasPrefix(what, "slow"):
			for _, s := range []string{processing.StageFiltering, processing.StageEncoding} {
				select {
				case <-time.After(300 * time.Millisecond):
				case <-ctx.Done():
					return processing.Result{}, canceled(job.Source.Path, ctx.Err())
				}
				if err := stage(s); err != nil {
					return processing.Result{}, canceled(job.Source.Path, err)
				}
			}
			return processing.Result{Output: "slow"}, nil
		case strings.HasPrefix(what, "spin"):
			// Two goroutines that would keep two cores busy for a second.
			done := make(chan struct{})
			for range 2 {
				go func() {
					for end := time.Now().Add(time.Second); time.Now().Before(end); {
					}
					done <- struct{}{}
				}()
			}
			<-done
			<-done
			return processing.Result{}, nil
		case strings.HasPrefix(what, "gomaxprocs"):
			return processing.Result{Width: runtime.GOMAXPROCS(0)}, nil
		case strings.HasPrefix(what, "write"):
			if err := stage(processing.StageWriting); err != nil {
				return processing.Result{}, err
			}
			dir := filepath.Dir(job.Settings.Naming.Target(job.Source, codec.PNG))
			os.MkdirAll(dir, 0o755)
			f, err := os.CreateTemp(dir, ".picpool-*.tmp")
			if err == nil {
				f.WriteString("half an image")
				f.Close()
			}
			os.Exit(4)
		}
		return processing.Result{}, fmt.Errorf("unknown test input %s", name)
	}
}

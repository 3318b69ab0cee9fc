package bench

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/picpool/picpool/isolation"
)

// workerEnv makes this test binary a worker process: TestMain sets it before
// running the tests, so the worker processes a process-mode benchmark starts
// from os.Args[0] (Settings.WorkerCommand) serve jobs, as "picpool
// __worker" does.
const workerEnv = "PICPOOL_BENCH_TEST_WORKER"

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		out := os.Stdout
		os.Stdout = os.Stderr // the protocol owns standard output
		if err := isolation.Serve(os.Stdin, out); err != nil && !errors.Is(err, isolation.ErrParentGone) {
			fmt.Fprintln(os.Stderr, "worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Setenv(workerEnv, "1")
	os.Exit(m.Run())
}

// Package shard says which part of a batch one task runs when a batch
// engine (a Slurm job array, a Kubernetes Indexed Job, AWS Batch, Google
// Cloud Batch, Cloud Run jobs) runs the same command as N tasks: "-shard
// K/N" on the command line, or "-shards N" with K read from the variable
// the engine sets in each task's environment.
//
// Shards are numbered from 0 to N-1, as every engine numbers its tasks. The
// count N is always given by the user (or a plan), never read from the
// engine: engines may tell a task a different count when it runs again
// alone (Slurm gives a resubmitted index SLURM_ARRAY_TASK_COUNT=1), and a
// shard computed against the wrong count would run the wrong inputs.
//
// This package only reads the index. Which inputs fall in which shard is
// the plan's business.
package shard

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Spec is one shard of a batch: Index of Count, 0 <= Index < Count.
type Spec struct {
	Index, Count int
}

// MaxCount bounds a shard count: more shards than that is a typo.
const MaxCount = 1 << 20

// String is "K/N", what Parse reads.
func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Tag names the shard in file names: "shard-K-of-N".
func (s Spec) Tag() string { return fmt.Sprintf("shard-%d-of-%d", s.Index, s.Count) }

// ParseTag reads a Tag back.
func ParseTag(tag string) (Spec, bool) {
	var s Spec
	if n, err := fmt.Sscanf(tag, "shard-%d-of-%d", &s.Index, &s.Count); n != 2 || err != nil || s.Tag() != tag || s.Count < 1 || s.Count > MaxCount || s.Index < 0 || s.Index >= s.Count {
		return Spec{}, false
	}
	return s, true
}

// Attempt names one attempt at a shard, unique across the hosts of a
// cluster and over time: "HOST-PID-UNIXNANO" (the host name cut to its
// first label, characters other than letters, digits, - and _ replaced).
func Attempt() string {
	host, _ := os.Hostname()
	host, _, _ = strings.Cut(host, ".")
	clean := []byte(host)
	for i, c := range clean {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			clean[i] = '_'
		}
	}
	if len(clean) == 0 {
		clean = []byte("host")
	}
	return fmt.Sprintf("%s-%d-%d", clean, os.Getpid(), time.Now().UnixNano())
}

// Parse reads "K/N": shard K (from 0) of N.
func Parse(s string) (Spec, error) {
	k, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Spec{}, fmt.Errorf("shard %q: want K/N, shard K (from 0) of N, e.g. 0/4", s)
	}
	count, err := parseCount(n)
	if err != nil {
		return Spec{}, fmt.Errorf("shard %q: %w", s, err)
	}
	index, err := strconv.Atoi(strings.TrimSpace(k))
	if err != nil || index < 0 {
		return Spec{}, fmt.Errorf("shard %q: K must be a whole number from 0 to %d", s, count-1)
	}
	if index >= count {
		return Spec{}, fmt.Errorf("shard %q: shards are numbered from 0: 0/%d to %d/%d", s, count, count-1, count)
	}
	return Spec{Index: index, Count: count}, nil
}

// ParseCount reads a shard count N (-shards N): 1 to MaxCount.
func ParseCount(s string) (int, error) {
	n, err := parseCount(s)
	if err != nil {
		return 0, fmt.Errorf("shard count %q: %w", s, err)
	}
	return n, nil
}

func parseCount(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > MaxCount {
		return 0, fmt.Errorf("N must be a whole number from 1 to %d", MaxCount)
	}
	return n, nil
}

// Var is an environment variable that names a task's index.
type Var struct {
	Name   string // e.g. SLURM_ARRAY_TASK_ID
	Engine string // who sets it, for messages
}

// OwnVar is PicPool's own variable. When set, it is the index, whatever
// the engines' variables say: the way to map an engine's numbering that
// does not start at 0 (PICPOOL_SHARD_INDEX=$((SLURM_ARRAY_TASK_ID-1))), or
// to run one shard by hand.
const OwnVar = "PICPOOL_SHARD_INDEX"

// Vars are the variables read for the index: PicPool's own first, then
// the engines'.
var Vars = []Var{
	{OwnVar, "PicPool"},
	{"SLURM_ARRAY_TASK_ID", "a Slurm job array"},
	{"JOB_COMPLETION_INDEX", "a Kubernetes Indexed Job"},
	{"AWS_BATCH_JOB_ARRAY_INDEX", "an AWS Batch array job"},
	{"BATCH_TASK_INDEX", "Google Cloud Batch"},
	{"CLOUD_RUN_TASK_INDEX", "a Cloud Run job"},
}

// ErrNoIndex is returned by FromEnv when no variable names the index.
var ErrNoIndex = errors.New("no shard index in the environment")

// FromEnv returns shard K of count, K read from the environment (getenv,
// os.Getenv but in tests), and the variable it came from. PicPool's own
// variable wins; otherwise the engines' variables that are set must agree
// (a task runs under one engine; two that disagree are a mistake to
// report, not to choose between). The index must be below count: an array
// numbered from 1, or a count that does not match the array, is refused
// with the fix.
func FromEnv(getenv func(string) string, count int) (Spec, Var, error) {
	if count < 1 || count > MaxCount {
		return Spec{}, Var{}, fmt.Errorf("shard count %d: N must be a whole number from 1 to %d", count, MaxCount)
	}
	var from Var
	var value string
	for _, v := range Vars {
		raw := strings.TrimSpace(getenv(v.Name))
		if raw == "" {
			continue
		}
		if from.Name == "" {
			from, value = v, raw
			if v.Name == OwnVar {
				break
			}
			continue
		}
		if raw != value {
			return Spec{}, Var{}, fmt.Errorf("%s=%s (%s) and %s=%s (%s) disagree: set %s to the shard to run",
				from.Name, value, from.Engine, v.Name, raw, v.Engine, OwnVar)
		}
	}
	if from.Name == "" {
		names := make([]string, len(Vars))
		for i, v := range Vars {
			names[i] = v.Name
		}
		return Spec{}, Var{}, fmt.Errorf("%w: none of %s is set; run as a task of a job array, or give -shard K/N", ErrNoIndex, strings.Join(names, ", "))
	}
	index, err := strconv.Atoi(value)
	if err != nil || index < 0 {
		return Spec{}, from, fmt.Errorf("%s=%q (%s): not a task index (a whole number from 0)", from.Name, value, from.Engine)
	}
	if index >= count {
		return Spec{}, from, fmt.Errorf("%s=%d (%s) is not a shard of %d: shards are numbered from 0 to %d; number the tasks from 0 to %d, or set %s",
			from.Name, index, from.Engine, count, count-1, count-1, OwnVar)
	}
	return Spec{Index: index, Count: count}, from, nil
}

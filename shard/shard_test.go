package shard

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]Spec{
		"0/4":     {0, 4},
		"3/4":     {3, 4},
		" 2 / 8 ": {2, 8},
		"0/1":     {0, 1},
	} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
		if again, err := Parse(got.String()); err != nil || again != got {
			t.Errorf("Parse(%q.String()) = %v, %v", in, again, err)
		}
	}
	for in, msg := range map[string]string{
		"4/4":         "shards are numbered from 0: 0/4 to 3/4",
		"1":           "want K/N",
		"":            "want K/N",
		"-1/4":        "K must be a whole number from 0 to 3",
		"a/4":         "K must be a whole number from 0 to 3",
		"1/0":         "N must be a whole number from 1",
		"1/x":         "N must be a whole number from 1",
		"0/999999999": "N must be a whole number from 1",
		"1.5/4":       "K must be",
	} {
		if _, err := Parse(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("Parse(%q): %v, want %q", in, err, msg)
		}
	}
	if n, err := ParseCount("16"); n != 16 || err != nil {
		t.Errorf("ParseCount(16) = %d, %v", n, err)
	}
	if _, err := ParseCount("0"); err == nil {
		t.Error("ParseCount(0) accepted")
	}
}

// TestFromEnv: each engine's variable, PicPool's own over them, and the
// mistakes: none set, not a number, out of range (an array numbered from
// 1), engines that disagree.
func TestFromEnv(t *testing.T) {
	for _, c := range []struct {
		name  string
		env   map[string]string
		count int
		want  Spec
		from  string
		err   string
	}{
		{name: "slurm array", env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "1"}, count: 4, want: Spec{2, 4}, from: "SLURM_ARRAY_TASK_ID"},
		{name: "kubernetes indexed job", env: map[string]string{"JOB_COMPLETION_INDEX": "0"}, count: 3, want: Spec{0, 3}, from: "JOB_COMPLETION_INDEX"},
		{name: "aws batch", env: map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "9"}, count: 10, want: Spec{9, 10}, from: "AWS_BATCH_JOB_ARRAY_INDEX"},
		{name: "google batch", env: map[string]string{"BATCH_TASK_INDEX": "1", "BATCH_TASK_COUNT": "7"}, count: 2, want: Spec{1, 2}, from: "BATCH_TASK_INDEX"},
		{name: "cloud run", env: map[string]string{"CLOUD_RUN_TASK_INDEX": "5", "CLOUD_RUN_TASK_COUNT": "6"}, count: 6, want: Spec{5, 6}, from: "CLOUD_RUN_TASK_INDEX"},
		{name: "picpool's own", env: map[string]string{"PICPOOL_SHARD_INDEX": "3"}, count: 4, want: Spec{3, 4}, from: "PICPOOL_SHARD_INDEX"},
		{name: "own wins over an array from 1", env: map[string]string{"PICPOOL_SHARD_INDEX": "0", "SLURM_ARRAY_TASK_ID": "1"}, count: 1, want: Spec{0, 1}, from: "PICPOOL_SHARD_INDEX"},
		{name: "engines that agree", env: map[string]string{"SLURM_ARRAY_TASK_ID": "1", "JOB_COMPLETION_INDEX": " 1"}, count: 2, want: Spec{1, 2}, from: "SLURM_ARRAY_TASK_ID"},
		{name: "spaces", env: map[string]string{"JOB_COMPLETION_INDEX": " 1\n"}, count: 2, want: Spec{1, 2}, from: "JOB_COMPLETION_INDEX"},
		{name: "none", env: map[string]string{"SLURM_JOB_ID": "7"}, count: 4, err: "no shard index in the environment: none of PICPOOL_SHARD_INDEX, SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX, BATCH_TASK_INDEX, CLOUD_RUN_TASK_INDEX is set"},
		{name: "array from 1", env: map[string]string{"SLURM_ARRAY_TASK_ID": "4"}, count: 4, err: "SLURM_ARRAY_TASK_ID=4 (a Slurm job array) is not a shard of 4: shards are numbered from 0 to 3; number the tasks from 0 to 3, or set PICPOOL_SHARD_INDEX"},
		{name: "not a number", env: map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "x"}, count: 4, err: `AWS_BATCH_JOB_ARRAY_INDEX="x" (an AWS Batch array job): not a task index`},
		{name: "negative", env: map[string]string{"PICPOOL_SHARD_INDEX": "-1"}, count: 4, err: "not a task index"},
		{name: "disagree", env: map[string]string{"SLURM_ARRAY_TASK_ID": "1", "JOB_COMPLETION_INDEX": "2"}, count: 4, err: "SLURM_ARRAY_TASK_ID=1 (a Slurm job array) and JOB_COMPLETION_INDEX=2 (a Kubernetes Indexed Job) disagree"},
		{name: "no count", env: map[string]string{"SLURM_ARRAY_TASK_ID": "0"}, count: 0, err: "shard count 0"},
	} {
		got, from, err := FromEnv(func(k string) string { return c.env[k] }, c.count)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: %v, %v; want the error %q", c.name, got, err, c.err)
			}
		case err != nil || got != c.want || from.Name != c.from:
			t.Errorf("%s: %v from %s, %v; want %v from %s", c.name, got, from.Name, err, c.want, c.from)
		}
	}
	if _, _, err := FromEnv(func(string) string { return "" }, 2); !errors.Is(err, ErrNoIndex) {
		t.Errorf("no variables: %v, want ErrNoIndex", err)
	}
}

func TestTagAndAttempt(t *testing.T) {
	s := Spec{Index: 2, Count: 8}
	if s.Tag() != "shard-2-of-8" {
		t.Errorf("Tag %q", s.Tag())
	}
	if got, ok := ParseTag(s.Tag()); !ok || got != s {
		t.Errorf("ParseTag(%q) = %v, %v", s.Tag(), got, ok)
	}
	for _, bad := range []string{"shard-8-of-8", "shard-02-of-8", "shard-1-of-0", "shard-1-of-8x", "x"} {
		if _, ok := ParseTag(bad); ok {
			t.Errorf("ParseTag(%q) took it", bad)
		}
	}
	a, b := Attempt(), Attempt()
	if a == b || strings.ContainsAny(a, "./ ") {
		t.Errorf("attempts %q and %q: want two different names fit for a file name", a, b)
	}
}

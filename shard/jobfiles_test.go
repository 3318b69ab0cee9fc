package shard

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The job files of docs/cluster cannot run here (no Kubernetes; the
// planned commands do not exist yet): these tests lint what can be
// linted. The manifests are decoded strictly into the part of the
// Kubernetes API they use (a misspelt or misplaced field fails), then
// checked against the API's validation rules for Indexed Jobs and pod
// failure policies and against PicPool's exit codes; the Slurm scripts are
// checked by bash -n and for the options docs/cluster.md relies on.

const clusterDir = "../docs/cluster"

type (
	k8sJob struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
		Metadata   struct {
			Name   string            `yaml:"name"`
			Labels map[string]string `yaml:"labels"`
		} `yaml:"metadata"`
		Spec jobSpec `yaml:"spec"`
	}
	jobSpec struct {
		CompletionMode       string            `yaml:"completionMode"`
		Completions          *int              `yaml:"completions"`
		Parallelism          *int              `yaml:"parallelism"`
		BackoffLimit         *int              `yaml:"backoffLimit"`
		BackoffLimitPerIndex *int              `yaml:"backoffLimitPerIndex"`
		MaxFailedIndexes     *int              `yaml:"maxFailedIndexes"`
		PodReplacementPolicy string            `yaml:"podReplacementPolicy"`
		PodFailurePolicy     *podFailurePolicy `yaml:"podFailurePolicy"`
		Template             struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec podSpec `yaml:"spec"`
		} `yaml:"template"`
	}
	podFailurePolicy struct {
		Rules []struct {
			Action      string `yaml:"action"`
			OnExitCodes *struct {
				ContainerName string `yaml:"containerName"`
				Operator      string `yaml:"operator"`
				Values        []int  `yaml:"values"`
			} `yaml:"onExitCodes"`
			OnPodConditions []struct {
				Type   string `yaml:"type"`
				Status string `yaml:"status"`
			} `yaml:"onPodConditions"`
		} `yaml:"rules"`
	}
	podSpec struct {
		RestartPolicy                 string      `yaml:"restartPolicy"`
		TerminationGracePeriodSeconds *int        `yaml:"terminationGracePeriodSeconds"`
		Containers                    []container `yaml:"containers"`
		Volumes                       []struct {
			Name      string `yaml:"name"`
			ConfigMap *struct {
				Name string `yaml:"name"`
			} `yaml:"configMap"`
			PersistentVolumeClaim *struct {
				ClaimName string `yaml:"claimName"`
				ReadOnly  bool   `yaml:"readOnly"`
			} `yaml:"persistentVolumeClaim"`
		} `yaml:"volumes"`
	}
	container struct {
		Name    string   `yaml:"name"`
		Image   string   `yaml:"image"`
		Command []string `yaml:"command"`
		Args    []string `yaml:"args"`
		Env     []struct {
			Name  string `yaml:"name"`
			Value string `yaml:"value"`
		} `yaml:"env"`
		Resources struct {
			Requests map[string]string `yaml:"requests"`
			Limits   map[string]string `yaml:"limits"`
		} `yaml:"resources"`
		VolumeMounts []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
			ReadOnly  bool   `yaml:"readOnly"`
		} `yaml:"volumeMounts"`
	}
)

// loadJob decodes a manifest strictly: unknown fields are errors.
func loadJob(t *testing.T, name string) k8sJob {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(clusterDir, name))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var job k8sJob
	if err := dec.Decode(&job); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return job
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// checkPod checks what the API requires of any Job's pod template here.
func checkPod(t *testing.T, name string, job k8sJob) {
	t.Helper()
	if job.APIVersion != "batch/v1" || job.Kind != "Job" || !dnsLabel.MatchString(job.Metadata.Name) || len(job.Metadata.Name) > 63 {
		t.Errorf("%s: %s %s %q", name, job.APIVersion, job.Kind, job.Metadata.Name)
	}
	pod := job.Spec.Template.Spec
	if pod.RestartPolicy != "Never" && pod.RestartPolicy != "OnFailure" {
		t.Errorf("%s: restartPolicy %q: a Job's pods restart Never or OnFailure", name, pod.RestartPolicy)
	}
	volumes := map[string]bool{}
	for _, v := range pod.Volumes {
		if (v.ConfigMap == nil) == (v.PersistentVolumeClaim == nil) || volumes[v.Name] {
			t.Errorf("%s: volume %q: one source each, names unique", name, v.Name)
		}
		volumes[v.Name] = true
	}
	if len(pod.Containers) == 0 {
		t.Fatalf("%s: no containers", name)
	}
	for _, c := range pod.Containers {
		if !dnsLabel.MatchString(c.Name) || c.Image == "" || len(c.Command) == 0 {
			t.Errorf("%s: container %+v", name, c)
		}
		paths := map[string]bool{}
		for _, m := range c.VolumeMounts {
			if !volumes[m.Name] || paths[m.MountPath] || !strings.HasPrefix(m.MountPath, "/") {
				t.Errorf("%s: container %s mounts %q at %q: no such volume, or the path twice", name, c.Name, m.Name, m.MountPath)
			}
			paths[m.MountPath] = true
		}
		// Equal CPU request and limit: the limit is the cgroup quota that
		// picpool -workers 0 fits, and the request what the scheduler keeps.
		cpuReq, cpuLim := c.Resources.Requests["cpu"], c.Resources.Limits["cpu"]
		if cpuLim == "" || cpuReq != cpuLim || c.Resources.Limits["memory"] == "" {
			t.Errorf("%s: container %s resources %+v: want equal CPU request and limit, and a memory limit", name, c.Name, c.Resources)
		}
	}
}

// flagValue is the word after flag in a command line.
func flagValue(words []string, flag string) (string, bool) {
	i := slices.Index(words, flag)
	if i < 0 || i+1 >= len(words) {
		return "", false
	}
	return words[i+1], true
}

func TestKubernetesIndexedJob(t *testing.T) {
	const name = "picpool-job.yaml"
	job := loadJob(t, name)
	checkPod(t, name, job)
	spec := job.Spec
	pod := spec.Template.Spec
	if spec.CompletionMode != "Indexed" || spec.Completions == nil || *spec.Completions < 1 || *spec.Completions > 100000 {
		t.Fatalf("completionMode %q, completions %v: want an Indexed Job of 1 to 100000 completions", spec.CompletionMode, spec.Completions)
	}
	if spec.Parallelism == nil || *spec.Parallelism < 1 || *spec.Parallelism > *spec.Completions {
		t.Errorf("parallelism %v", spec.Parallelism)
	}
	// Per-index retries need an Indexed Job whose pods never restart in
	// place (the API's rule); a pod failure policy needs restartPolicy
	// Never and podReplacementPolicy Failed.
	if spec.BackoffLimitPerIndex == nil || *spec.BackoffLimitPerIndex < 0 || pod.RestartPolicy != "Never" {
		t.Errorf("backoffLimitPerIndex %v, restartPolicy %q", spec.BackoffLimitPerIndex, pod.RestartPolicy)
	}
	if spec.PodFailurePolicy == nil || spec.PodReplacementPolicy != "Failed" {
		t.Fatalf("podFailurePolicy %v, podReplacementPolicy %q", spec.PodFailurePolicy, spec.PodReplacementPolicy)
	}
	if g := pod.TerminationGracePeriodSeconds; g == nil || *g < 10 {
		t.Errorf("terminationGracePeriodSeconds %v: picpool needs a few seconds after SIGTERM", g)
	}

	var picpool *container
	for i := range pod.Containers {
		if pod.Containers[i].Name == "picpool" {
			picpool = &pod.Containers[i]
		}
	}
	if picpool == nil {
		t.Fatal("no container named picpool")
	}
	// The command: a shard run that resumes, with -shards equal to the
	// completions (the index comes from JOB_COMPLETION_INDEX).
	words := append(append([]string{}, picpool.Command...), picpool.Args...)
	shards, ok := flagValue(words, "-shards")
	if n, err := ParseCount(shards); !ok || err != nil || n != *spec.Completions {
		t.Errorf("-shards %q, completions %d: they must be equal", shards, *spec.Completions)
	}
	if words[0] != "picpool" || words[1] != "run" || !slices.Contains(words, "-resume") {
		t.Errorf("command %q: want picpool run … -resume", words)
	}
	if !slices.ContainsFunc(Vars, func(v Var) bool { return v.Name == "JOB_COMPLETION_INDEX" }) {
		t.Error("the shard package does not read JOB_COMPLETION_INDEX")
	}

	// The pod failure policy: bad inputs (1) and bad usage (2) fail the
	// index without retries; a disruption is not counted; 130 (stopped by
	// SIGTERM) and crashes are retried, by the default rule.
	rules := spec.PodFailurePolicy.Rules
	if len(rules) == 0 || len(rules) > 20 {
		t.Fatalf("%d rules (1 to 20)", len(rules))
	}
	failIndex, ignoreDisruption := []int{}, false
	for i, r := range rules {
		if (r.OnExitCodes == nil) == (len(r.OnPodConditions) == 0) {
			t.Errorf("rule %d: one of onExitCodes and onPodConditions, not both", i)
		}
		switch r.Action {
		case "FailIndex", "FailJob", "Ignore", "Count":
		default:
			t.Errorf("rule %d: action %q", i, r.Action)
		}
		if e := r.OnExitCodes; e != nil {
			if e.Operator != "In" && e.Operator != "NotIn" {
				t.Errorf("rule %d: operator %q", i, e.Operator)
			}
			if len(e.Values) == 0 || len(e.Values) > 255 || !slices.IsSorted(e.Values) || len(slices.Compact(slices.Clone(e.Values))) != len(e.Values) ||
				(e.Operator == "In" && slices.Contains(e.Values, 0)) {
				t.Errorf("rule %d: values %v: 1 to 255, ascending, no duplicates, no 0 with In", i, e.Values)
			}
			if e.ContainerName != "" && !slices.ContainsFunc(pod.Containers, func(c container) bool { return c.Name == e.ContainerName }) {
				t.Errorf("rule %d: no container %q", i, e.ContainerName)
			}
			if r.Action == "FailIndex" && e.Operator == "In" && (e.ContainerName == "" || e.ContainerName == "picpool") {
				failIndex = append(failIndex, e.Values...)
			}
		}
		for _, c := range r.OnPodConditions {
			if c.Type == "DisruptionTarget" && (c.Status == "" || c.Status == "True") && r.Action == "Ignore" {
				ignoreDisruption = true
			}
		}
	}
	if !slices.Equal(failIndex, []int{1, 2}) {
		t.Errorf("FailIndex on exit codes %v, want exactly 1 (inputs failed) and 2 (bad usage): 130 and crashes must be retried", failIndex)
	}
	if !ignoreDisruption {
		t.Error("no rule ignores DisruptionTarget (eviction, preemption)")
	}
}

func TestKubernetesMergeJob(t *testing.T) {
	const name = "picpool-merge.yaml"
	job := loadJob(t, name)
	checkPod(t, name, job)
	if job.Spec.CompletionMode != "" || job.Spec.Completions != nil {
		t.Errorf("the merge is one pod: %+v", job.Spec)
	}
	cmd := strings.Join(job.Spec.Template.Spec.Containers[0].Command, " ")
	if !strings.Contains(cmd, "picpool report merge -plan ") {
		t.Errorf("command %q", cmd)
	}
}

// sbatchOptions reads a script's #SBATCH lines as option -> value.
func sbatchOptions(t *testing.T, name string) (map[string]string, string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(clusterDir, name))
	if err != nil {
		t.Fatal(err)
	}
	opts := map[string]string{}
	for line := range strings.SplitSeq(string(data), "\n") {
		rest, ok := strings.CutPrefix(line, "#SBATCH ")
		if !ok {
			continue
		}
		k, v, _ := strings.Cut(strings.TrimSpace(rest), "=")
		if _, dup := opts[k]; dup {
			t.Errorf("%s: %s twice", name, k)
		}
		opts[k] = v
	}
	if out, err := exec.Command("bash", "-n", filepath.Join(clusterDir, name)).CombinedOutput(); err != nil {
		t.Errorf("%s: bash -n: %v\n%s", name, err, out)
	}
	return opts, string(data)
}

func TestSlurmJobFiles(t *testing.T) {
	opts, script := sbatchOptions(t, "picpool-array.sbatch")
	// --array=0-(N-1)[%M] and -shards N in step; numbered from 0.
	m := regexp.MustCompile(`^0-(\d+)(%\d+)?$`).FindStringSubmatch(opts["--array"])
	words := strings.Fields(script[strings.LastIndex(script, "\nexec "):])
	shards, _ := flagValue(words, "-shards")
	n, err := ParseCount(shards)
	if m == nil || err != nil || fmt.Sprint(n-1) != m[1] {
		t.Errorf("--array=%s and -shards %q: want --array=0-%d", opts["--array"], shards, n-1)
	}
	if !slices.ContainsFunc(Vars, func(v Var) bool { return v.Name == "SLURM_ARRAY_TASK_ID" }) {
		t.Error("the shard package does not read SLURM_ARRAY_TASK_ID")
	}
	// picpool itself gets the signals: exec, and --signal to the batch
	// shell (B:) some time before the limit; requeued tasks resume.
	if words[1] != "picpool" || words[2] != "run" || !slices.Contains(words, "-resume") {
		t.Errorf("the task runs %q: want exec picpool run … -resume", words)
	}
	sig := regexp.MustCompile(`^B:(TERM|SIGTERM)@(\d+)$`).FindStringSubmatch(opts["--signal"])
	if sig == nil {
		sig = []string{"", "", "0"}
	}
	if secs, _ := strconv.Atoi(sig[2]); secs < 30 {
		t.Errorf("--signal=%s: want B:TERM@SECONDS, 30 or more", opts["--signal"])
	}
	for _, o := range []string{"--requeue", "--cpus-per-task", "--time", "--open-mode"} {
		if _, ok := opts[o]; !ok {
			t.Errorf("no %s", o)
		}
	}
	mopts, merge := sbatchOptions(t, "picpool-merge.sbatch")
	if !strings.Contains(merge, "picpool report merge -plan ") || mopts["--array"] != "" {
		t.Errorf("merge script: %v\n%s", mopts, merge)
	}
	// The dependency the merge is submitted with: afterany, so that it runs
	// and names the missing shards even when some failed.
	if !strings.Contains(script, "--dependency=afterany:") {
		t.Error("the array script does not show the merge's afterany dependency")
	}
}

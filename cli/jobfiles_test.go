package cli

import (
	"encoding/json"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestJobFilesUseRealFlags parses the commands of docs/cluster's job
// files with the real flag sets: every flag they give exists (an unknown
// one exits 2 before -h, added last, ends the parse with 0).
func TestJobFilesUseRealFlags(t *testing.T) {
	read := func(name string) string {
		data, err := os.ReadFile("../docs/cluster/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	var commands [][]string
	for _, name := range []string{"picpool-array.sbatch", "picpool-merge.sbatch"} {
		for _, line := range strings.Split(read(name), "\n") {
			line = strings.TrimPrefix(strings.TrimSpace(line), "exec ")
			if strings.HasPrefix(line, "picpool ") {
				line, _, _ = strings.Cut(line, ">")
				commands = append(commands, strings.Fields(strings.ReplaceAll(line, `"$PLAN"`, "plan.jsonl")))
			}
		}
	}
	for _, name := range []string{"picpool-job.yaml", "picpool-merge.yaml"} {
		for _, m := range regexp.MustCompile(`(?m)^\s*command: (\[.*\])$`).FindAllStringSubmatch(read(name), -1) {
			var words []string
			if err := json.Unmarshal([]byte(m[1]), &words); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if words[0] == "sh" {
				line, _, _ := strings.Cut(words[2], ">")
				words = strings.Fields(line)
			}
			commands = append(commands, words)
		}
	}
	if len(commands) != 4 {
		t.Fatalf("found %d picpool commands in the job files, want 4: %q", len(commands), commands)
	}
	for _, words := range commands {
		if words[0] != "picpool" {
			t.Errorf("%q: not picpool", words)
			continue
		}
		var stderr strings.Builder
		if code := Run(&Env{Stdout: io.Discard, Stderr: &stderr}, append(words[1:], "-h")); code != ExitOK {
			t.Errorf("%q: exit %d\n%s", words, code, stderr.String())
		}
	}
}

package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// Report is a batch's JSON report: what "run -report" writes, what each
// shard of a planned batch leaves in the output folder (with Shard), and
// what "report merge" makes of those (with Shards). One schema for all.
type Report struct {
	Summary ReportSummary `json:"summary"`
	Records []Record      `json:"records"`
	// Shard says which shard of which plan a shard's report is of.
	Shard *ShardReport `json:"shard,omitempty"`
	// Shards says, in a merged report, which shards were found and which
	// are missing or unfinished.
	Shards *MergeStatus `json:"shards,omitempty"`
}

// ReportSummary is a report's summary.
type ReportSummary struct {
	Total    int `json:"total"`
	Done     int `json:"done"`
	Skipped  int `json:"skipped"`
	Failed   int `json:"failed"`
	Canceled int `json:"canceled"`
	// Resumed are, of Done, the inputs an earlier run (or another attempt
	// at the shard) made: their records say DoneBefore.
	Resumed    int     `json:"resumed,omitempty"`
	Ignored    int     `json:"ignored"` // not images, unreadable, links to nowhere: see their records
	Warned     int     `json:"with_warnings"`
	WallMS     float64 `json:"wall_ms"`
	PerSecond  float64 `json:"images_per_second"`
	Megapixels float64 `json:"megapixels"`
	BytesIn    int64   `json:"bytes_in"`
	BytesOut   int64   `json:"bytes_out"`
}

// ShardReport names the shard a report is of, and where it ran.
type ShardReport struct {
	Plan        string    `json:"plan"`        // the plan's ID
	Fingerprint string    `json:"fingerprint"` // its settings'
	Index       int       `json:"index"`
	Count       int       `json:"count"`
	Attempt     string    `json:"attempt"`
	Root        string    `json:"root"`   // where the inputs were read (absolute)
	Out         string    `json:"out"`    // where the outputs were written (absolute)
	Inputs      int       `json:"inputs"` // planned for this shard
	Started     time.Time `json:"started"`
	Ended       time.Time `json:"ended"`
}

// NewReport is the report of a run: its summary, a record for each input
// left out of the batch, and the run's records.
func NewReport(b Batch, s Summary, records []Record) Report {
	var r Report
	r.Summary = ReportSummary{Total: s.Total, Done: s.Done, Skipped: s.Skipped, Failed: s.Failed, Canceled: s.Canceled,
		Ignored: len(b.Skipped), Warned: s.WithWarnings, WallMS: float64(s.Wall.Microseconds()) / 1000,
		PerSecond: s.PerSecond(), Megapixels: s.Megapixels, BytesIn: s.BytesIn, BytesOut: s.BytesOut}
	countDoneBefore(&r.Summary, records)
	r.Records = make([]Record, 0, len(b.Skipped)+len(records))
	for _, sk := range b.Skipped {
		r.Records = append(r.Records, ignoredRecord(sk.Path, sk.Reason))
	}
	r.Records = append(r.Records, records...)
	return r
}

func ignoredRecord(path, reason string) Record {
	return Record{Input: path, Status: "ignored", Error: reason, Reason: "not an input", Worker: -1}
}

// WriteReport writes a report as indented JSON, atomically: whole or not
// at all, so that two attempts of one shard, or a merge reading meanwhile,
// never see half of one.
func WriteReport(path string, r Report) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".picpool-report-*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(append(data, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// ReadReport reads a report.
func ReadReport(path string) (Report, error) {
	var r Report
	data, err := os.ReadFile(path)
	if err != nil {
		return r, err
	}
	err = json.Unmarshal(data, &r)
	return r, err
}

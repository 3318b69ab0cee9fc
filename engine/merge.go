package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/picpool/picpool/plan"
	"github.com/picpool/picpool/processing"
	"github.com/picpool/picpool/shard"
)

// MergeStatus is what a merge found of a planned batch's shards.
type MergeStatus struct {
	Count   int `json:"count"`   // shards (N)
	Reports int `json:"reports"` // attempts' reports read
	// Missing are the shards with no report; Unfinished those with a
	// report that left planned inputs out (interrupted, killed, or the
	// attempts that finished them did not report): resubmit both.
	Missing    []int `json:"missing,omitempty"`
	Unfinished []int `json:"unfinished,omitempty"`
	// Skipped are report files not taken, with why (another plan, another
	// shard count, unreadable).
	Skipped []string `json:"skipped_reports,omitempty"`
}

// Complete reports whether every shard reported every planned input.
func (m MergeStatus) Complete() bool {
	return m.Count > 0 && len(m.Missing) == 0 && len(m.Unfinished) == 0
}

// ErrShardCounts is returned by MergeReports when the output folder holds
// reports of one plan run with different shard counts.
var ErrShardCounts = errors.New("shard reports of different shard counts")

// MergeReports makes the report of a planned batch from the reports its
// shards left in outDir ("" is the plan's output folder), as "run -report"
// would have written it for the whole batch on one machine: every
// planned input once, in the plan's order, after the inputs the plan
// left out; inputs are named below the plan's root and outputs below
// outDir. Where several attempts of a shard reported an input, the one
// that got furthest counts (made, then made by an earlier attempt, then
// skipped as existing, then failed, then not processed): an input an
// attempt killed with no report made is done, as its resumed attempt's
// record, which carries the facts of the killed one's journal, says. A planned input no report has
// is recorded as not processed ("canceled", reason "missing"), and its
// shard named in Shards. count is the shard count; 0 takes it from the
// reports found.
func MergeReports(p *plan.Plan, outDir string, count int) (Report, error) {
	if outDir == "" {
		outDir = p.Out
	}
	outDir, err := filepath.Abs(outDir)
	if err != nil {
		return Report{}, err
	}
	names, err := reportFiles(outDir)
	if err != nil {
		return Report{}, err
	}
	status := MergeStatus{Count: count}
	var reports []Report
	for _, name := range names {
		r, err := ReadReport(filepath.Join(outDir, name))
		switch {
		case err != nil:
			status.Skipped = append(status.Skipped, name+": "+err.Error())
		case r.Shard == nil || r.Shard.Plan != p.ID || r.Shard.Fingerprint != p.Fingerprint:
			status.Skipped = append(status.Skipped, name+": a report of another plan")
		case count > 0 && r.Shard.Count != count:
			status.Skipped = append(status.Skipped, fmt.Sprintf("%s: a shard of %d, not %d", name, r.Shard.Count, count))
		case status.Count > 0 && r.Shard.Count != status.Count:
			return Report{}, fmt.Errorf("%w in %s: %d and %d; give -shards N to take one", ErrShardCounts, outDir, status.Count, r.Shard.Count)
		default:
			status.Count = r.Shard.Count
			reports = append(reports, r)
		}
	}
	status.Reports = len(reports)
	m := newMerger(p, outDir, max(status.Count, 1))
	for _, r := range reports {
		m.take(r)
	}
	out := m.report()
	m.name(&status, reports)
	out.Shards = &status
	return out, nil
}

// reportFiles lists the shards' reports in dir, by name.
func reportFiles(dir string) ([]string, error) {
	des, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var names []string
	for _, de := range des {
		n := de.Name()
		if de.Type().IsRegular() && strings.HasPrefix(n, ReportPrefix) && strings.HasSuffix(n, ".json") {
			tag, _, _ := strings.Cut(strings.TrimPrefix(n, ReportPrefix), ".")
			if _, ok := shard.ParseTag(tag); ok {
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	return names, nil
}

// merger folds the shards' records into the plan's.
type merger struct {
	p       *plan.Plan
	outDir  string
	count   int
	shardOf []int          // by input
	index   map[string]int // plan path -> input
	best    [][]*Record    // [input][output]
	outName []string       // outputs' names, with several
	reports map[int]bool   // shards with a report
	start   time.Time
	end     time.Time
}

func newMerger(p *plan.Plan, outDir string, count int) *merger {
	m := &merger{p: p, outDir: outDir, count: count, shardOf: p.Shards(count), index: make(map[string]int, len(p.Inputs)),
		best: make([][]*Record, len(p.Inputs)), reports: map[int]bool{}}
	for i, in := range p.Inputs {
		m.index[in.Path] = i
		m.best[i] = make([]*Record, max(p.Outputs, 1))
	}
	if p.Outputs > 1 {
		if ps, err := p.Settings.Settings(outDir); err == nil {
			for j, o := range ps.OutputList() {
				m.outName = append(m.outName, o.Name(j))
			}
		}
	}
	return m
}

// rank orders the outcomes of one output by how far they got.
func rank(r *Record) int {
	switch {
	case r.Status == "done" && !r.DoneBefore:
		return 6
	case r.Status == "done":
		return 5
	case r.Status == "skipped" && r.Reason != "done before":
		return 4
	case r.Status == "skipped": // done before, as older reports said it
		return 3
	case r.Status == "failed":
		return 2
	}
	return 1
}

// take folds one attempt's records in: each record of an input of its
// shard, renamed below the plan's root and the merge's output folder.
func (m *merger) take(r Report) {
	s := r.Shard
	m.reports[s.Index] = true
	if m.start.IsZero() || s.Started.Before(m.start) {
		m.start = s.Started
	}
	if s.Ended.After(m.end) {
		m.end = s.Ended
	}
	for _, rec := range r.Records {
		i, ok := m.index[relOrAbs(s.Root, rec.Input)]
		if !ok || m.shardOf[i] != s.Index || rec.OutputIndex < 0 || rec.OutputIndex >= len(m.best[i]) {
			continue // not planned in this shard: not the report's to say
		}
		rec.Input = filepath.Join(m.p.Root, filepath.FromSlash(m.p.Inputs[i].Path))
		if rec.Output != "" {
			if rel, err := filepath.Rel(s.Out, rec.Output); err == nil && filepath.IsLocal(rel) {
				rec.Output = filepath.Join(m.outDir, rel)
			}
		}
		if cur := m.best[i][rec.OutputIndex]; cur == nil || rank(&rec) > rank(cur) {
			m.best[i][rec.OutputIndex] = &rec
		}
	}
}

// report is the merged report: records and the summary recomputed.
func (m *merger) report() Report {
	var r Report
	sum := &r.Summary
	r.Records = make([]Record, 0, len(m.p.Ignored)+len(m.p.Inputs)*len(m.best))
	for _, ig := range m.p.Ignored {
		path := ig.Path
		if !filepath.IsAbs(path) {
			path = filepath.Join(m.p.Root, filepath.FromSlash(path))
		}
		r.Records = append(r.Records, ignoredRecord(path, ig.Reason))
	}
	sum.Total, sum.Ignored = len(m.p.Inputs), len(m.p.Ignored)
	var pixels int64
	for i, in := range m.p.Inputs {
		recs := make([]Record, len(m.best[i]))
		for j, b := range m.best[i] {
			if b == nil {
				b = &Record{Input: filepath.Join(m.p.Root, filepath.FromSlash(in.Path)), Status: "canceled", Reason: "missing", Worker: -1, BytesIn: in.Size,
					Error: fmt.Sprintf("not processed: no report of shard %d/%d has it", m.shardOf[i], m.count)}
				if j < len(m.outName) {
					b.OutputIndex, b.OutputName = j, m.outName[j]
				}
			}
			recs[j] = *b
		}
		// The input's status as the pool counts it (see processing.Run):
		// a failure, else not processed, else made when one output was.
		status, warned, bytesOut, before := "skipped", false, int64(0), true
		for _, rec := range recs {
			before = before && rec.DoneBefore
			switch {
			case rec.Status == "failed":
				status = "failed"
			case rec.Status == "canceled" && status != "failed":
				status = "canceled"
			case rec.Status == "done" && status == "skipped":
				status = "done"
			}
			warned = warned || len(rec.Warnings) > 0
			bytesOut += rec.BytesOut
		}
		switch status {
		case "done":
			sum.Done++
			if before {
				sum.Resumed++
			}
			sum.BytesIn += in.Size
			sum.BytesOut += bytesOut
			for _, rec := range recs {
				pixels += rec.Pixels
			}
		case "skipped":
			sum.Skipped++
		case "failed":
			sum.Failed++
		default:
			sum.Canceled++
		}
		if warned {
			sum.Warned++
		}
		r.Records = append(r.Records, recs...)
	}
	sum.Megapixels = float64(pixels) / 1e6
	if wall := m.end.Sub(m.start); wall > 0 && !m.start.IsZero() {
		sum.WallMS = float64(wall.Microseconds()) / 1000
		sum.PerSecond = float64(sum.Done+sum.Skipped+sum.Failed) / wall.Seconds()
	}
	return r
}

// name fills the missing and unfinished shards.
func (m *merger) name(status *MergeStatus, reports []Report) {
	if status.Count == 0 {
		return
	}
	unfinished := map[int]bool{}
	for i := range m.best {
		for _, b := range m.best[i] {
			if (b == nil || b.Status == "canceled") && m.reports[m.shardOf[i]] {
				unfinished[m.shardOf[i]] = true
			}
		}
	}
	for k := range status.Count {
		switch {
		case !m.reports[k]:
			status.Missing = append(status.Missing, k)
		case unfinished[k]:
			status.Unfinished = append(status.Unfinished, k)
		}
	}
}

// PlanSettings are a plan's settings, writing into outDir ("" is the
// plan's output folder), checked to be the ones it was made with: their
// fingerprint here must be the plan's (a picpool that reads them
// otherwise would make other files).
func PlanSettings(p *plan.Plan, outDir string) (processing.Settings, error) {
	if outDir == "" {
		outDir = p.Out
	}
	ps, err := p.Settings.Settings(outDir)
	if err != nil {
		return ps, fmt.Errorf("the plan's settings: %w", err)
	}
	if fp := settingsFingerprint(ps); fp != p.Fingerprint {
		return ps, fmt.Errorf("the plan's settings read as fingerprint %s here, not the plan's %s: make the plan again with this picpool", fp, p.Fingerprint)
	}
	return ps, nil
}

package bench

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/picpool/picpool/engine"
)

// CSVHeader is the first line of WriteCSV's output.
var CSVHeader = []string{
	"mode", "workers", "runs", "images", "failed", "wall_median_s", "wall_min_s", "wall_max_s",
	"images_per_s", "megapixels_per_s", "speedup", "efficiency", "cpu_percent", "peak_rss_bytes", "recommended",
	"other_cpu_percent", "busy_machine", "other_load",
}

// WriteCSV writes one line per measured worker mode and count under
// CSVHeader; recommended is true on each mode's recommended count;
// other_cpu_percent is other programs' CPU use during the runs (empty where
// not told), busy_machine is true on the rows whose figures cannot be
// trusted (see Report.Warning), and other_load says how far other programs'
// use was told: measured, too_short (to tell) or not_measured.
func WriteCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	f := func(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }
	for _, row := range r.Rows {
		rec := []string{
			string(row.Mode), strconv.Itoa(row.Workers), strconv.Itoa(row.Runs), strconv.Itoa(row.Images), strconv.Itoa(row.Failed),
			f(row.Wall.Seconds(), 4), f(row.WallMin.Seconds(), 4), f(row.WallMax.Seconds(), 4),
			f(row.ImagesPerSec, 4), f(row.MPPerSec, 4), f(row.SpeedUp, 4), f(row.Efficiency, 4),
			f(row.CPUPercent, 1), strconv.FormatUint(row.PeakRSS, 10), strconv.FormatBool(row.Workers == r.Choice(row.Mode).Recommended),
			"", strconv.FormatBool(r.RowBusy(row)), row.LoadState().Code(),
		}
		if row.Busy >= 0 {
			rec[len(rec)-3] = f(row.OtherCPUPercent, 1)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// The JSON document written by WriteJSON.
type (
	jsonReport struct {
		Date        time.Time          `json:"date"`
		Machine     Machine            `json:"machine"`
		Images      int                `json:"images"`
		Bytes       int64              `json:"bytes"`
		Filters     string             `json:"filters"`
		Format      string             `json:"format"`
		Repeat      int                `json:"repeat"`
		Modes       []engine.Isolation `json:"modes"`
		Counts      []int              `json:"counts"`
		Tolerance   float64            `json:"tolerance"`
		Recommended int                `json:"recommended"` // of the first mode
		Best        int                `json:"best"`
		Choices     []jsonChoice       `json:"choices"` // per mode
		Faster      *jsonFaster        `json:"faster,omitempty"`
		Complete    bool               `json:"complete"`
		// Untrusted is true when other programs' load makes the figures
		// unreliable; Warning says why, or that the benchmark was too short
		// to tell (see Report.Warning). OtherLoad says how far other
		// programs' CPU use over the whole benchmark (OtherLoadS seconds,
		// read straight through) was told: measured, too_short or
		// not_measured; OtherCPUPercent and BusyShare are that use.
		Untrusted       bool       `json:"untrusted"`
		Warning         string     `json:"warning,omitempty"`
		OtherLoad       string     `json:"other_load"`
		OtherLoadS      float64    `json:"other_load_s,omitempty"`
		OtherCPUPercent *float64   `json:"other_cpu_percent,omitempty"`
		BusyShare       *float64   `json:"busy_share,omitempty"`
		Verdict         string     `json:"verdict"`
		Excluded        []Excluded `json:"excluded,omitempty"`
		Rows            []jsonRow  `json:"rows"`
		Runs            []jsonRun  `json:"runs"`
	}
	jsonChoice struct {
		Mode        engine.Isolation `json:"mode"`
		Recommended int              `json:"recommended"`
		Best        int              `json:"best"`
	}
	jsonFaster struct { // which mode was faster, each at its best count
		Mode        engine.Isolation `json:"mode"`
		Workers     int              `json:"workers"`
		ThanMode    engine.Isolation `json:"than_mode"`
		ThanWorkers int              `json:"than_workers"`
		Ratio       float64          `json:"ratio"`  // throughput over the other's
		Within      bool             `json:"within"` // within the tolerance
	}
	jsonRow struct {
		Mode         engine.Isolation `json:"mode"`
		Workers      int              `json:"workers"`
		Runs         int              `json:"runs"`
		Images       int              `json:"images"`
		Failed       int              `json:"failed"`
		Megapixels   float64          `json:"megapixels"`
		WallMedianS  float64          `json:"wall_median_s"`
		WallMinS     float64          `json:"wall_min_s"`
		WallMaxS     float64          `json:"wall_max_s"`
		ImagesPerSec float64          `json:"images_per_s"`
		MPPerSec     float64          `json:"megapixels_per_s"`
		SpeedUp      float64          `json:"speedup"`
		Efficiency   float64          `json:"efficiency"`
		CPUPercent   float64          `json:"cpu_percent"`
		PeakRSS      uint64           `json:"peak_rss_bytes"`
		// Other programs' CPU use during the runs, like cpu_percent, and as
		// a share of the CPUs' time (absent where not told), from the sum of
		// the runs' readings; how far it was told (measured, too_short,
		// not_measured); busy is true when the row's figures cannot be
		// trusted.
		OtherCPUPercent *float64 `json:"other_cpu_percent,omitempty"`
		BusyShare       *float64 `json:"busy_share,omitempty"`
		OtherLoad       string   `json:"other_load"`
		Busy            bool     `json:"busy_machine"`
		// Process mode: the worker processes' part of cpu_percent, and the
		// sum of their own high-water marks.
		WorkerCPUPercent float64 `json:"worker_cpu_percent,omitempty"`
		WorkerPeakSum    uint64  `json:"worker_peak_sum_bytes,omitempty"`
	}
	jsonRun struct {
		Mode       engine.Isolation `json:"mode"`
		Workers    int              `json:"workers"`
		WallS      float64          `json:"wall_s"`
		SetupS     float64          `json:"setup_s"`
		CPUPercent float64          `json:"cpu_percent"`
		PeakRSS    uint64           `json:"peak_rss_bytes"`
		// Other programs' CPU use during the run (absent where not told,
		// other_load saying why).
		OtherCPUPercent *float64 `json:"other_cpu_percent,omitempty"`
		BusyShare       *float64 `json:"busy_share,omitempty"`
		OtherLoad       string   `json:"other_load"`
		// Process mode: the worker processes' part of cpu_percent and of
		// peak_rss_bytes, the part of that mapped from files (code and
		// libraries, held once in physical memory), and the sum of their
		// own high-water marks.
		WorkerCPUPercent float64 `json:"worker_cpu_percent,omitempty"`
		WorkerRSS        uint64  `json:"worker_rss_bytes,omitempty"`
		WorkerFileRSS    uint64  `json:"worker_file_rss_bytes,omitempty"`
		WorkerPeakSum    uint64  `json:"worker_peak_sum_bytes,omitempty"`
		Done             int     `json:"done"`
		Failed           int     `json:"failed"`
		BytesOut         int64   `json:"bytes_out"`
		Megapixels       float64 `json:"megapixels"`
	}
)

// WriteJSON writes the whole report: machine, settings, one row per mode
// and count, and every counted run in the order run.
func WriteJSON(w io.Writer, r Report) error {
	doc := jsonReport{
		Date: r.Date, Machine: r.Machine, Images: r.Images, Bytes: r.Bytes, Filters: r.Filters, Format: r.Format,
		Repeat: r.Repeat, Modes: r.ModeList(), Counts: r.Counts, Tolerance: r.Tolerance, Recommended: r.Recommended, Best: r.Best,
		Choices: []jsonChoice{}, Complete: r.Complete, Untrusted: r.Untrusted(), Warning: r.Warning(), Verdict: r.Verdict(),
		Excluded: r.Excluded, Rows: []jsonRow{}, Runs: []jsonRun{},
		OtherLoad: r.Load.State().Code(), OtherLoadS: r.Load.Seconds(),
	}
	if percent, share := r.Load.Other(); share >= 0 {
		doc.OtherCPUPercent, doc.BusyShare = &percent, &share
	}
	for _, m := range r.ModeList() {
		c := r.Choice(m)
		doc.Choices = append(doc.Choices, jsonChoice{Mode: m, Recommended: c.Recommended, Best: c.Best})
	}
	if c, ok := r.Compare(); ok {
		doc.Faster = &jsonFaster{Mode: c.Faster.Mode, Workers: c.Faster.Workers, ThanMode: c.Slower.Mode, ThanWorkers: c.Slower.Workers,
			Ratio: c.Ratio, Within: c.Within}
	}
	for _, row := range r.Rows {
		doc.Rows = append(doc.Rows, jsonRow{
			Mode: row.Mode, Workers: row.Workers, Runs: row.Runs, Images: row.Images, Failed: row.Failed, Megapixels: row.Megapixels,
			WallMedianS: row.Wall.Seconds(), WallMinS: row.WallMin.Seconds(), WallMaxS: row.WallMax.Seconds(),
			ImagesPerSec: row.ImagesPerSec, MPPerSec: row.MPPerSec, SpeedUp: row.SpeedUp, Efficiency: row.Efficiency,
			CPUPercent: row.CPUPercent, PeakRSS: row.PeakRSS, WorkerCPUPercent: row.WorkerCPUPercent, WorkerPeakSum: row.WorkerPeakSum,
			OtherCPUPercent: measured(row.OtherCPUPercent), BusyShare: measured(row.Busy), OtherLoad: row.LoadState().Code(), Busy: r.RowBusy(row),
		})
	}
	for _, m := range r.Runs {
		doc.Runs = append(doc.Runs, jsonRun{
			Mode: modeOf(m.Mode), Workers: m.Workers, WallS: m.Wall.Seconds(), SetupS: m.Setup.Seconds(), CPUPercent: m.CPUPercent, PeakRSS: m.PeakRSS,
			WorkerCPUPercent: m.WorkerCPUPercent, WorkerRSS: m.WorkerRSS, WorkerFileRSS: m.WorkerFileRSS, WorkerPeakSum: m.WorkerPeakSum,
			OtherCPUPercent: measured(m.OtherCPUPercent), BusyShare: measured(m.Busy), OtherLoad: m.LoadState().Code(), Done: m.Done, Failed: m.Failed, BytesOut: m.BytesOut, Megapixels: m.Megapixels,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// measured is a figure for JSON: nil (left out) where not measured (-1).
func measured(v float64) *float64 {
	if v < 0 {
		return nil
	}
	return &v
}

// WriteTable writes the figures as an aligned text table with the machine
// above and the verdict below, after a warning when the figures cannot be
// trusted; with several worker modes, a mode column comes first. The
// "others" column is other programs' CPU use during the runs, marked "!"
// where it makes the row untrustworthy (see Report.OthersText), and a line
// below the table gives it over the whole benchmark (Report.LoadText).
func WriteTable(w io.Writer, r Report) error {
	fmt.Fprintf(w, "Machine: %s\n", r.Machine)
	filters := r.Filters
	if filters == "" {
		filters = "none (decode and re-encode)"
	}
	fmt.Fprintf(w, "Batch: %s (%s), filters %s, format %s; median of %s after 1 warm-up\n",
		plural(r.Images, "image", "images"), MegabytesText(uint64(max(r.Bytes, 0))), filters, r.Format, plural(r.Repeat, "run", "runs"))
	modes := r.ModeList()
	multi := len(modes) > 1
	if multi || modes[0] != engine.Goroutines {
		names := make([]string, len(modes))
		for i, m := range modes {
			names[i] = ModeName(m)
		}
		fmt.Fprintf(w, "Workers: %s; for processes, CPU and peak memory include the worker processes and the wall time starting them\n",
			strings.Join(names, " and "))
	}
	for _, x := range r.Excluded {
		fmt.Fprintf(w, "Left out (failed in the warm-up): %s: %s\n", x.Path, x.Error)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "workers\twall median\tmin–max\timages/s\tMP/s\tspeed-up\tefficiency\tCPU\tothers\tpeak memory\t\t"
	if multi {
		head = "mode\t" + head
	}
	fmt.Fprintln(tw, head)
	for _, row := range r.Rows {
		mark := ""
		if row.Workers == r.Choice(row.Mode).Recommended {
			mark = "← recommended"
		}
		speed, eff := "–", "–"
		if row.SpeedUp > 0 {
			speed, eff = fmt.Sprintf("%.2f×", row.SpeedUp), fmt.Sprintf("%.0f%%", row.Efficiency*100)
		}
		if multi {
			fmt.Fprintf(tw, "%s\t", ModeShort(row.Mode))
		}
		others := r.OthersText(row)
		fmt.Fprintf(tw, "%d\t%.2f s\t%.2f–%.2f\t%.2f\t%.1f\t%s\t%s\t%.0f%%\t%s\t%s\t\t%s\n",
			row.Workers, row.Wall.Seconds(), row.WallMin.Seconds(), row.WallMax.Seconds(),
			row.ImagesPerSec, row.MPPerSec, speed, eff, row.CPUPercent, others, MegabytesText(row.PeakRSS), mark)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if line := r.LoadText(); line != "" {
		fmt.Fprintf(w, "\n%s\n", line)
	}
	if warn := r.Warning(); warn != "" {
		fmt.Fprintf(w, "\nWARNING: %s\n", warn)
	}
	_, err := fmt.Fprintf(w, "\n%s\n", r.Verdict())
	return err
}

// MegabytesText writes a byte count in MB (10^6 bytes).
func MegabytesText(n uint64) string {
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}

// WriteFile writes a file through write, atomically: a temporary file in
// the same folder renamed over path once complete.
func WriteFile(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after a successful rename there is nothing left to remove
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

package bench

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"
)

// CSVHeader is the first line of WriteCSV's output.
var CSVHeader = []string{
	"workers", "runs", "images", "failed", "wall_median_s", "wall_min_s", "wall_max_s",
	"images_per_s", "megapixels_per_s", "speedup", "efficiency", "cpu_percent", "peak_rss_bytes", "recommended",
}

// WriteCSV writes one line per measured worker count under CSVHeader.
func WriteCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	f := func(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }
	for _, row := range r.Rows {
		rec := []string{
			strconv.Itoa(row.Workers), strconv.Itoa(row.Runs), strconv.Itoa(row.Images), strconv.Itoa(row.Failed),
			f(row.Wall.Seconds(), 4), f(row.WallMin.Seconds(), 4), f(row.WallMax.Seconds(), 4),
			f(row.ImagesPerSec, 4), f(row.MPPerSec, 4), f(row.SpeedUp, 4), f(row.Efficiency, 4),
			f(row.CPUPercent, 1), strconv.FormatUint(row.PeakRSS, 10), strconv.FormatBool(row.Workers == r.Recommended),
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
		Date        time.Time  `json:"date"`
		Machine     Machine    `json:"machine"`
		Images      int        `json:"images"`
		Bytes       int64      `json:"bytes"`
		Filters     string     `json:"filters"`
		Format      string     `json:"format"`
		Repeat      int        `json:"repeat"`
		Counts      []int      `json:"counts"`
		Tolerance   float64    `json:"tolerance"`
		Recommended int        `json:"recommended"`
		Best        int        `json:"best"`
		Complete    bool       `json:"complete"`
		Verdict     string     `json:"verdict"`
		Excluded    []Excluded `json:"excluded,omitempty"`
		Rows        []jsonRow  `json:"rows"`
		Runs        []jsonRun  `json:"runs"`
	}
	jsonRow struct {
		Workers      int     `json:"workers"`
		Runs         int     `json:"runs"`
		Images       int     `json:"images"`
		Failed       int     `json:"failed"`
		Megapixels   float64 `json:"megapixels"`
		WallMedianS  float64 `json:"wall_median_s"`
		WallMinS     float64 `json:"wall_min_s"`
		WallMaxS     float64 `json:"wall_max_s"`
		ImagesPerSec float64 `json:"images_per_s"`
		MPPerSec     float64 `json:"megapixels_per_s"`
		SpeedUp      float64 `json:"speedup"`
		Efficiency   float64 `json:"efficiency"`
		CPUPercent   float64 `json:"cpu_percent"`
		PeakRSS      uint64  `json:"peak_rss_bytes"`
	}
	jsonRun struct {
		Workers    int     `json:"workers"`
		WallS      float64 `json:"wall_s"`
		CPUPercent float64 `json:"cpu_percent"`
		PeakRSS    uint64  `json:"peak_rss_bytes"`
		Done       int     `json:"done"`
		Failed     int     `json:"failed"`
		BytesOut   int64   `json:"bytes_out"`
		Megapixels float64 `json:"megapixels"`
	}
)

// WriteJSON writes the whole report: machine, settings, one row per count
// and every counted run in the order run.
func WriteJSON(w io.Writer, r Report) error {
	doc := jsonReport{
		Date: r.Date, Machine: r.Machine, Images: r.Images, Bytes: r.Bytes, Filters: r.Filters, Format: r.Format,
		Repeat: r.Repeat, Counts: r.Counts, Tolerance: r.Tolerance, Recommended: r.Recommended, Best: r.Best,
		Complete: r.Complete, Verdict: r.Verdict(), Excluded: r.Excluded, Rows: []jsonRow{}, Runs: []jsonRun{},
	}
	for _, row := range r.Rows {
		doc.Rows = append(doc.Rows, jsonRow{
			Workers: row.Workers, Runs: row.Runs, Images: row.Images, Failed: row.Failed, Megapixels: row.Megapixels,
			WallMedianS: row.Wall.Seconds(), WallMinS: row.WallMin.Seconds(), WallMaxS: row.WallMax.Seconds(),
			ImagesPerSec: row.ImagesPerSec, MPPerSec: row.MPPerSec, SpeedUp: row.SpeedUp, Efficiency: row.Efficiency,
			CPUPercent: row.CPUPercent, PeakRSS: row.PeakRSS,
		})
	}
	for _, m := range r.Runs {
		doc.Runs = append(doc.Runs, jsonRun{
			Workers: m.Workers, WallS: m.Wall.Seconds(), CPUPercent: m.CPUPercent, PeakRSS: m.PeakRSS,
			Done: m.Done, Failed: m.Failed, BytesOut: m.BytesOut, Megapixels: m.Megapixels,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// WriteTable writes the figures as an aligned text table with the machine
// above and the verdict below.
func WriteTable(w io.Writer, r Report) error {
	fmt.Fprintf(w, "Machine: %s\n", r.Machine)
	filters := r.Filters
	if filters == "" {
		filters = "none (decode and re-encode)"
	}
	fmt.Fprintf(w, "Batch: %s (%s), filters %s, format %s; median of %s after 1 warm-up\n",
		plural(r.Images, "image", "images"), MegabytesText(uint64(max(r.Bytes, 0))), filters, r.Format, plural(r.Repeat, "run", "runs"))
	for _, x := range r.Excluded {
		fmt.Fprintf(w, "Left out (failed in the warm-up): %s: %s\n", x.Path, x.Error)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workers\twall median\tmin–max\timages/s\tMP/s\tspeed-up\tefficiency\tCPU\tpeak memory\t\t")
	for _, row := range r.Rows {
		mark := ""
		if row.Workers == r.Recommended {
			mark = "← recommended"
		}
		speed, eff := "–", "–"
		if row.SpeedUp > 0 {
			speed, eff = fmt.Sprintf("%.2f×", row.SpeedUp), fmt.Sprintf("%.0f%%", row.Efficiency*100)
		}
		fmt.Fprintf(tw, "%d\t%.2f s\t%.2f–%.2f\t%.2f\t%.1f\t%s\t%s\t%.0f%%\t%s\t\t%s\n",
			row.Workers, row.Wall.Seconds(), row.WallMin.Seconds(), row.WallMax.Seconds(),
			row.ImagesPerSec, row.MPPerSec, speed, eff, row.CPUPercent, MegabytesText(row.PeakRSS), mark)
	}
	if err := tw.Flush(); err != nil {
		return err
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

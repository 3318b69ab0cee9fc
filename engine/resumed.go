package engine

import (
	"encoding/json"
	"math"

	"github.com/picpool/picpool/journal"
	"github.com/picpool/picpool/processing"
)

// What a resumed run reports of the outputs an earlier run (or another
// attempt at a shard) made: the journal keeps what that run's report said
// of each output it made and of each input it finished, and the resumed
// run's records carry it, marked DoneBefore, so that its report, and the
// merge of a batch's shards, say what one uninterrupted run would have.

// facts are what the journal keeps of a made output's record: the
// output's own fields and its input's (as known when it was made).
type facts struct {
	Width        int                        `json:"width,omitempty"`
	Height       int                        `json:"height,omitempty"`
	BytesOut     int64                      `json:"bytes_out,omitempty"`
	Quality      int                        `json:"quality,omitempty"`
	CopiedSource bool                       `json:"copied_source,omitempty"`
	Metadata     *processing.MetadataReport `json:"metadata,omitempty"`
	Color        string                     `json:"color,omitempty"`
	Warnings     []string                   `json:"warnings,omitempty"`
	Pixels       int64                      `json:"pixels,omitempty"`
}

// factsOf is what the journal keeps of a made output's record.
func factsOf(rec Record) json.RawMessage {
	if rec.Status != "done" {
		return nil
	}
	data, _ := json.Marshal(facts{rec.Width, rec.Height, rec.BytesOut, rec.Quality, rec.CopiedSource, rec.Metadata,
		rec.Color, rec.Warnings, rec.Pixels})
	return data
}

// doneBeforeRecord makes rec the record of an output an earlier run made,
// as its journal entry tells it.
func doneBeforeRecord(rec *Record, e *journal.Entry) {
	rec.Status, rec.DoneBefore, rec.Output = "done", true, e.Output
	var o facts
	if len(e.Facts) > 0 && json.Unmarshal(e.Facts, &o) == nil {
		rec.Width, rec.Height, rec.BytesOut, rec.Quality, rec.CopiedSource, rec.Metadata = o.Width, o.Height, o.BytesOut, o.Quality, o.CopiedSource, o.Metadata
	}
}

// inputFacts are the facts of an input every output of which an earlier
// run made, from its outputs' entries: the last one made knows every
// warning.
func inputFacts(before []*journal.Entry) *facts {
	var in facts
	for _, e := range before {
		var o facts
		if e != nil && len(e.Facts) > 0 && json.Unmarshal(e.Facts, &o) == nil {
			in.Color, in.Pixels = o.Color, max(in.Pixels, o.Pixels)
			if len(o.Warnings) >= len(in.Warnings) {
				in.Warnings = o.Warnings
			}
		}
	}
	return &in
}

// countDoneBefore counts, in a run's report summary, the inputs an
// earlier run finished as done (the pool counted them skipped), and the
// bytes and pixels of the outputs it made. A run's records of one input
// follow each other.
func countDoneBefore(sum *ReportSummary, records []Record) {
	pixels := int64(math.Round(sum.Megapixels * 1e6))
	for i := 0; i < len(records); {
		k, all, any := i, true, false
		for ; k < len(records) && records[k].Input == records[i].Input; k++ {
			if records[k].DoneBefore {
				any = true
				sum.BytesOut += records[k].BytesOut
			} else {
				all = false
			}
		}
		if any && all {
			sum.Skipped--
			sum.Done++
			sum.Resumed++
			sum.BytesIn += records[i].BytesIn
			pixels += records[i].Pixels
		}
		i = k
	}
	sum.Megapixels = float64(pixels) / 1e6
}

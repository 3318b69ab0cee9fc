package gui

import (
	"fmt"
	"sync"
	"time"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/pool"
)

// How a running batch reaches the screen: one ticker off the UI goroutine
// takes a snapshot every tick and hands it over in one w.do call.

// tick is what one tick of the ticker shows.
type tick struct {
	snap  pool.Snapshot
	recs  []engine.Record // records since the previous tick shown
	ps    pool.ProcStats
	psOK  bool
	procs []engine.WorkerProcess // worker processes, nil for goroutines
	sum   *engine.Summary        // set once the batch has ended
	at    time.Time
}

// watch runs off the UI goroutine: every tick it takes one snapshot and the
// new records and hands them to the UI goroutine in one w.do call. Workers
// never wait for it, and it never floods the UI: while a tick is still
// waiting to be shown, newer ones are merged into it (the latest snapshot,
// all the records) instead of being queued behind it.
func (r *runPanel) watch(run Run) {
	t := time.NewTicker(tickEvery)
	defer t.Stop()
	var (
		mu      sync.Mutex
		latest  tick
		pending bool
	)
	post := func(tk tick) {
		mu.Lock()
		defer mu.Unlock()
		tk.recs = append(latest.recs, tk.recs...)
		latest = tk
		if pending {
			return
		}
		pending = true
		r.w.do(func() {
			mu.Lock()
			tk := latest
			latest.recs, pending = nil, false
			mu.Unlock()
			if debugTicks {
				r.w.logf("tick: lag %s, elapsed %s, finished %d", time.Since(tk.at), tk.snap.Totals.Elapsed, tk.snap.Totals.Finished())
			}
			r.apply(run, tk)
		})
	}
	next := 0
	var (
		ps      pool.ProcStats
		psOK    bool
		procs   []engine.WorkerProcess
		sampled time.Time
	)
	for {
		ended := false
		select {
		case <-run.Done():
			ended = true
		case <-t.C:
		}
		tk := tick{snap: run.Snapshot(), recs: run.Records(next), at: time.Now()}
		next += len(tk.recs)
		if ended {
			s := run.Wait()
			tk.sum = &s
		}
		// CPU% and memory (gopsutil) are read twice a second, and once
		// more at the end, when the worker processes have gone.
		if ended || time.Since(sampled) >= sampleEvery {
			ps, psOK = r.w.eng.ProcStats()
			procs = run.Processes()
			sampled = time.Now()
		}
		tk.ps, tk.psOK, tk.procs = ps, psOK, procs
		post(tk)
		if ended {
			return
		}
	}
}

// apply shows one tick of a batch; it runs on the UI goroutine.
func (r *runPanel) apply(run Run, tk tick) {
	if run != r.run {
		return
	}
	snap := tk.snap
	t := snap.Totals
	if t.Total > 0 {
		r.bar.Max = float64(t.Total)
		r.bar.SetValue(float64(t.Finished()))
	}
	text := fmt.Sprintf("%d / %d · %.1f images/s · elapsed %s", t.Finished(), t.Total, t.PerSecond, durationText(t.Elapsed))
	if t.ETA > 0 {
		text += " · ETA " + durationText(t.ETA)
	}
	if t.Failed > 0 {
		text += fmt.Sprintf(" · %d failed", t.Failed)
	}
	if snap.Paused {
		text += " · paused"
	}
	r.stats.SetText(text)
	r.view.show(snap.Workers, tk.procs, tk.ps, tk.psOK)
	r.fails.add(tk.recs)
	if tk.sum != nil {
		r.end(*tk.sum)
	}
}

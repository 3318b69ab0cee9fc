package pool

import (
	"context"
	"errors"
	"strconv"
	"sync"
)

// ErrOverBudget is wrapped by the error of a job whose Cost alone exceeds
// Options.MemoryBudget.
var ErrOverBudget = errors.New("over the memory budget")

type overBudgetError struct{ need, budget int64 }

func (e *overBudgetError) Error() string {
	return "needs " + formatBytes(e.need) + ", more than the whole " + formatBytes(e.budget) + " memory budget"
}

func (e *overBudgetError) Unwrap() error { return ErrOverBudget }

// budget admits jobs while the sum of their costs stays within limit. Waiters
// are served first come, first served, so a large job is not starved by a
// stream of small ones; a job that fits the whole budget is always admitted
// once nothing else runs.
type budget struct {
	mu      sync.Mutex
	limit   int64 // <= 0: unlimited
	used    int64
	waiters []*budgetWaiter
}

type budgetWaiter struct {
	cost  int64
	ready chan struct{} // closed once admitted
}

// check says whether cost can ever be admitted.
func (b *budget) check(cost int64) error {
	if b.limit > 0 && cost > b.limit {
		return &overBudgetError{need: cost, budget: b.limit}
	}
	return nil
}

// acquire waits until cost fits. The caller must have called check and must
// call release(cost) after a nil return.
func (b *budget) acquire(ctx context.Context, cost int64) error {
	if b.limit <= 0 || cost <= 0 {
		return ctx.Err()
	}
	b.mu.Lock()
	if len(b.waiters) == 0 && b.used+cost <= b.limit {
		b.used += cost
		b.mu.Unlock()
		return nil
	}
	w := &budgetWaiter{cost: cost, ready: make(chan struct{})}
	b.waiters = append(b.waiters, w)
	b.mu.Unlock()

	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-w.ready: // admitted while we were giving up: hand it back
		b.used -= cost
	default:
		for i, x := range b.waiters {
			if x == w {
				b.waiters = append(b.waiters[:i], b.waiters[i+1:]...)
				break
			}
		}
	}
	b.admit()
	return ctx.Err()
}

func (b *budget) release(cost int64) {
	if b.limit <= 0 || cost <= 0 {
		return
	}
	b.mu.Lock()
	b.used -= cost
	b.admit()
	b.mu.Unlock()
}

// admit wakes waiters from the front of the queue while they fit. b.mu held.
func (b *budget) admit() {
	for len(b.waiters) > 0 {
		w := b.waiters[0]
		if b.used+w.cost > b.limit {
			return
		}
		b.used += w.cost
		b.waiters[0] = nil
		b.waiters = b.waiters[1:]
		close(w.ready)
	}
}

// formatBytes writes n in binary units with at most one decimal: "512 MiB",
// "2.1 GiB".
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit && n > -unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	v := float64(n)
	i := -1
	for v >= unit || v <= -unit {
		v /= unit
		i++
		if i == 4 {
			break
		}
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s + " " + string("KMGTP"[i]) + "iB"
}

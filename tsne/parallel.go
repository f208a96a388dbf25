package tsne

import (
	"runtime"
	"sync"
)

// parallelFor calls f(lo, hi) on consecutive blocks of [0, n) on up to workers goroutines
// and returns when all calls have returned. Callers write per-index results only, so the
// outcome does not depend on workers.
func parallelFor(n, workers int, f func(lo, hi int)) {
	if n <= 0 {
		return
	}
	workers = max(1, min(workers, n))
	if workers == 1 {
		f(0, n)
		return
	}
	// Several blocks per goroutine balance uneven rows (quadtree walks differ in length).
	block := max(1, n/(8*workers))
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				lo := next
				next += block
				mu.Unlock()
				if lo >= n {
					return
				}
				f(lo, min(lo+block, n))
			}
		}()
	}
	wg.Wait()
}

// defaultWorkers returns workers, or runtime.GOMAXPROCS(0) for workers ≤ 0.
func defaultWorkers(workers int) int {
	if workers <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return workers
}

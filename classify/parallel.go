package classify

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// workers is the number of goroutines the parallel loops use.
func workers() int { return runtime.NumCPU() }

// parallelRange calls f(lo, hi) on consecutive blocks of [0, n) of at
// most block elements each, on up to workers() goroutines, and returns
// when all calls have returned. The blocks do not depend on the number of
// CPUs, so per-block partial results combined in block order give the same
// bits on every machine.
func parallelRange(n, block int, f func(lo, hi int)) {
	if n <= 0 {
		return
	}
	block = max(block, 1)
	nb := (n + block - 1) / block
	parallelTasks(nb, workers(), func(b int) {
		f(b*block, min((b+1)*block, n))
	})
}

// parallelTasks calls f(0), …, f(n-1), at most w at a time, taking tasks
// in increasing order, and returns when all have returned.
func parallelTasks(n, w int, f func(i int)) {
	w = max(1, min(w, n))
	if w == 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

package classify

// kernelCache is LIBSVM's least-recently-used cache of kernel-matrix rows
// (Chang & Lin, LIBSVM, svm.cpp class Cache), for the SMO solver. Row i
// holds the first len(rows[i]) entries Q_i0, Q_i1, …; a request for a
// longer prefix extends it. The solver's shrinking permutes indices, so
// swapIndex swaps two rows and the two entries in every cached row.
//
// Unlike LIBSVM, which stores Q in single precision, the cache holds
// float64, so that the stopping tolerance holds for the exact kernel.
type kernelCache struct {
	rows       [][]float64
	prev, next []int // LRU list; node l is the sentinel, its next the oldest
	free       int   // unused budget, in float64 elements of capacity
}

// newKernelCache returns a cache for an l×l matrix holding at most
// budget float64 elements, and never less than two full rows (the solver
// holds two rows at once).
func newKernelCache(l, budget int) *kernelCache {
	c := &kernelCache{
		rows: make([][]float64, l),
		prev: make([]int, l+1),
		next: make([]int, l+1),
		free: max(budget, 2*l),
	}
	c.prev[l], c.next[l] = l, l
	return c
}

// unlink removes row i from the LRU list.
func (c *kernelCache) unlink(i int) {
	c.next[c.prev[i]] = c.next[i]
	c.prev[c.next[i]] = c.prev[i]
}

// link appends row i to the LRU list as the most recently used.
func (c *kernelCache) link(i int) {
	s := len(c.rows)
	c.next[i] = s
	c.prev[i] = c.prev[s]
	c.next[c.prev[s]] = i
	c.prev[s] = i
}

// evict drops row i, which must be cached, and returns its buffer.
func (c *kernelCache) evict(i int) []float64 {
	c.unlink(i)
	old := c.rows[i]
	c.rows[i] = nil
	c.free += cap(old)
	return old
}

// get returns row i with at least length entries and the number start of
// entries that were already cached; the caller must fill [start, length).
// The row stays valid until the next call that may evict it: since it is
// now the most recently used and the budget holds two full rows, the next
// get never evicts it.
func (c *kernelCache) get(i, length int) ([]float64, int) {
	h := c.rows[i]
	start := len(h)
	if start > 0 {
		c.unlink(i)
	}
	if length > start {
		c.free += cap(h)
		var spare []float64
		for c.free < length && c.next[len(c.rows)] != len(c.rows) {
			old := c.evict(c.next[len(c.rows)])
			if cap(old) >= length && spare == nil {
				spare = old
			}
		}
		var buf []float64
		switch {
		case cap(h) >= length:
			buf = h[:length]
		case spare != nil:
			buf = spare[:length]
			copy(buf, h)
		default:
			buf = make([]float64, length)
			copy(buf, h)
		}
		c.free -= cap(buf)
		c.rows[i] = buf
	}
	c.link(i)
	return c.rows[i], start
}

// swapIndex exchanges indices i and j: rows i and j trade places, and
// every cached row long enough swaps its entries i and j. A row that
// holds entry min(i,j) but not max(i,j) is dropped.
func (c *kernelCache) swapIndex(i, j int) {
	if i == j {
		return
	}
	ci, cj := len(c.rows[i]) > 0, len(c.rows[j]) > 0
	if ci {
		c.unlink(i)
	}
	if cj {
		c.unlink(j)
	}
	c.rows[i], c.rows[j] = c.rows[j], c.rows[i]
	if cj {
		c.link(i)
	}
	if ci {
		c.link(j)
	}
	if i > j {
		i, j = j, i
	}
	s := len(c.rows)
	for h := c.next[s]; h != s; {
		nxt := c.next[h]
		if r := c.rows[h]; len(r) > i {
			if len(r) > j {
				r[i], r[j] = r[j], r[i]
			} else {
				c.evict(h)
			}
		}
		h = nxt
	}
}

package tsne

import "math"

// maxDepth bounds the quadtree: points that still share a cell there (2⁻⁴⁸ of the root's
// width) share a leaf, as do points at exactly the same place at any depth.
const maxDepth = 48

// A quadtree holds the points of a 2-D embedding for Barnes-Hut sums (Barnes & Hut, Nature
// 1986): every cell knows how many points it holds and their centre of mass; a leaf lists its
// points (several only if they coincide or the leaf is at maxDepth).
type quadtree struct {
	nodes []qnode
	next  []int32   // next[p]: the next point in p's leaf, or -1
	y     []float64 // the points, row-major n×2
}

// qnode is one square cell of a quadtree.
type qnode struct {
	cx, cy, half float64 // centre and half width
	mx, my       float64 // centre of mass (sums of coordinates while building)
	count        int32
	child        int32 // index of the first of the four children, or -1 for a leaf
	first        int32 // a leaf's first point, or -1
}

// buildQuadtree returns the quadtree of the n×2 points y, inserted in order (so the tree, and
// every sum over it, depends only on y).
func buildQuadtree(y []float64, t *quadtree) *quadtree {
	n := len(y) / 2
	if t == nil {
		t = &quadtree{}
	}
	t.y = y
	t.nodes = t.nodes[:0]
	t.next = append(t.next[:0], make([]int32, n)...)
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for i := range n {
		minX, maxX = math.Min(minX, y[2*i]), math.Max(maxX, y[2*i])
		minY, maxY = math.Min(minY, y[2*i+1]), math.Max(maxY, y[2*i+1])
	}
	half := math.Max(maxX-minX, maxY-minY)/2*(1+1e-9) + 1e-12
	t.nodes = append(t.nodes, qnode{cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, half: half, child: -1, first: -1})
	for i := range n {
		t.insert(int32(i))
	}
	for k := range t.nodes {
		if c := float64(t.nodes[k].count); c > 0 {
			t.nodes[k].mx /= c
			t.nodes[k].my /= c
		}
	}
	return t
}

// quadrant returns which child of node k holds (x, y): bit 0 east, bit 1 north.
func (t *quadtree) quadrant(k int32, x, y float64) int32 {
	q := int32(0)
	if x >= t.nodes[k].cx {
		q |= 1
	}
	if y >= t.nodes[k].cy {
		q |= 2
	}
	return q
}

// insert adds point p.
func (t *quadtree) insert(p int32) {
	x, y := t.y[2*p], t.y[2*p+1]
	k, depth := int32(0), 0
	for {
		nd := &t.nodes[k]
		nd.count++
		nd.mx += x
		nd.my += y
		if nd.child >= 0 {
			k = nd.child + t.quadrant(k, x, y)
			depth++
			continue
		}
		f := nd.first
		if f < 0 || depth >= maxDepth || t.y[2*f] == x && t.y[2*f+1] == y {
			t.next[p] = f
			nd.first = p
			return
		}
		// Split the leaf: its points (all at f's place) move to one child.
		child := int32(len(t.nodes))
		cx, cy, h := nd.cx, nd.cy, nd.half/2
		nd.child, nd.first = child, -1
		for q := range int32(4) {
			ox, oy := -h, -h
			if q&1 != 0 {
				ox = h
			}
			if q&2 != 0 {
				oy = h
			}
			t.nodes = append(t.nodes, qnode{cx: cx + ox, cy: cy + oy, half: h, child: -1, first: -1})
		}
		moved := &t.nodes[child+t.quadrant(k, t.y[2*f], t.y[2*f+1])]
		moved.first = f
		for m := f; m >= 0; m = t.next[m] {
			moved.count++
			moved.mx += t.y[2*m]
			moved.my += t.y[2*m+1]
		}
		k = child + t.quadrant(k, x, y)
		depth++
	}
}

// repulsion returns, for point i, the sum over the other points j of w_ij = 1/(1+‖y_i−y_j‖²)
// and of w_ij²(y_i − y_j), with every cell of width w at distance d > w/θ from y_i standing
// for all its points at its centre of mass (van der Maaten 2014, section 4.2). stack is
// scratch space, returned for reuse.
func (t *quadtree) repulsion(i int, theta float64, stack []int32) (sumW, fx, fy float64, _ []int32) {
	xi, yi := t.y[2*i], t.y[2*i+1]
	theta2 := theta * theta
	stack = append(stack[:0], 0)
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		nd := &t.nodes[k]
		if nd.count == 0 {
			continue
		}
		if nd.child < 0 {
			for p := nd.first; p >= 0; p = t.next[p] {
				if int(p) == i {
					continue
				}
				dx, dy := xi-t.y[2*p], yi-t.y[2*p+1]
				w := 1 / (1 + dx*dx + dy*dy)
				sumW += w
				fx += w * w * dx
				fy += w * w * dy
			}
			continue
		}
		dx, dy := xi-nd.mx, yi-nd.my
		d2 := dx*dx + dy*dy
		if width := 2 * nd.half; width*width < theta2*d2 {
			w := 1 / (1 + d2)
			c := float64(nd.count)
			sumW += c * w
			fx += c * w * w * dx
			fy += c * w * w * dy
			continue
		}
		for q := int32(3); q >= 0; q-- {
			stack = append(stack, nd.child+q)
		}
	}
	return sumW, fx, fy, stack
}

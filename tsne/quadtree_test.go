package tsne

import (
	"math"
	"testing"
)

// TestQuadtreeSums checks every cell's count and centre of mass against its points, and that
// coincident points (which cannot be split apart) share a leaf and give the exact sums at θ → 0.
func TestQuadtreeSums(t *testing.T) {
	y := randomEmbedding(300, 5, 1).Data
	// 40 copies of one point and 20 of another.
	for i := 100; i < 140; i++ {
		y[2*i], y[2*i+1] = 1.25, -0.5
	}
	for i := 200; i < 220; i++ {
		y[2*i], y[2*i+1] = y[0], y[1]
	}
	tr := buildQuadtree(y, nil)
	var walk func(k int32) (count int, sx, sy float64)
	walk = func(k int32) (count int, sx, sy float64) {
		nd := tr.nodes[k]
		if nd.child < 0 {
			for p := nd.first; p >= 0; p = tr.next[p] {
				count++
				sx += y[2*p]
				sy += y[2*p+1]
				if x, yy := y[2*p], y[2*p+1]; math.Abs(x-nd.cx) > nd.half*(1+1e-9) || math.Abs(yy-nd.cy) > nd.half*(1+1e-9) {
					t.Errorf("point %d (%g, %g) outside its leaf at (%g, %g) ± %g", p, x, yy, nd.cx, nd.cy, nd.half)
				}
			}
		} else {
			for q := range int32(4) {
				c, x, yy := walk(nd.child + q)
				count, sx, sy = count+c, sx+x, sy+yy
			}
		}
		if count != int(nd.count) {
			t.Errorf("cell %d holds %d points, says %d", k, count, nd.count)
		}
		if count > 0 && (math.Abs(sx/float64(count)-nd.mx) > 1e-12 || math.Abs(sy/float64(count)-nd.my) > 1e-12) {
			t.Errorf("cell %d: centre of mass (%g, %g), want (%g, %g)", k, nd.mx, nd.my, sx/float64(count), sy/float64(count))
		}
		return count, sx, sy
	}
	if c, _, _ := walk(0); c != 300 {
		t.Fatalf("the tree holds %d points, want 300", c)
	}
	for _, i := range []int{0, 100, 150, 210} {
		s, fx, fy, _ := tr.repulsion(i, 1e-9, nil)
		es, efx, efy := exactRepulsion(y, i)
		if math.Abs(s-es) > 1e-12*es || math.Abs(fx-efx) > 1e-12*(1+math.Abs(efx)) || math.Abs(fy-efy) > 1e-12*(1+math.Abs(efy)) {
			t.Errorf("point %d: quadtree sums (%g, %g, %g), exact (%g, %g, %g)", i, s, fx, fy, es, efx, efy)
		}
	}
}

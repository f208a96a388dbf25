package tsne

import "math"

// forces computes t-SNE gradients for fixed affinities: a gradient is the attraction along
// P's edges minus the repulsion over all pairs, exactly or from a quadtree.
type forces struct {
	p       *Affinities
	exact   bool
	theta   float64
	workers int

	tree *quadtree
	attr []float64 // n×2 attractive parts
	rep  []float64 // n×2 repulsive parts (unnormalised)
	sumW []float64 // per point: Σ_j w_ij
}

// gradient writes ∂C/∂y for the n×2 embedding y into grad, with P multiplied by exaggeration:
//
//	∂C/∂y_i = 4 (α Σ_j p_ij w_ij (y_i − y_j) − Σ_j w_ij² (y_i − y_j) / Z),  w_ij = 1/(1+‖y_i−y_j‖²),
//
// with Z = Σ_{i≠j} w_ij, and returns Z (estimated by the quadtree unless exact).
func (f *forces) gradient(y, grad []float64, exaggeration float64) (z float64) {
	n := f.p.N
	if len(f.attr) != 2*n {
		f.attr, f.rep, f.sumW = make([]float64, 2*n), make([]float64, 2*n), make([]float64, n)
	}
	if !f.exact {
		f.tree = buildQuadtree(y, f.tree)
	}
	p := f.p
	parallelFor(n, f.workers, func(lo, hi int) {
		var stack []int32
		for i := lo; i < hi; i++ {
			xi, yi := y[2*i], y[2*i+1]
			ax, ay := 0.0, 0.0
			for e := p.RowPtr[i]; e < p.RowPtr[i+1]; e++ {
				j := p.Col[e]
				dx, dy := xi-y[2*j], yi-y[2*j+1]
				pw := p.Val[e] / (1 + dx*dx + dy*dy)
				ax += pw * dx
				ay += pw * dy
			}
			f.attr[2*i], f.attr[2*i+1] = ax, ay
			var s, rx, ry float64
			if f.exact {
				s, rx, ry = exactRepulsion(y, i)
			} else {
				s, rx, ry, stack = f.tree.repulsion(i, f.theta, stack)
			}
			f.sumW[i], f.rep[2*i], f.rep[2*i+1] = s, rx, ry
		}
	})
	for _, s := range f.sumW {
		z += s
	}
	for k := range grad {
		grad[k] = 4 * (exaggeration*f.attr[k] - f.rep[k]/z)
	}
	return z
}

// exactRepulsion returns Σ_{j≠i} w_ij and Σ_{j≠i} w_ij² (y_i − y_j) for the n×2 embedding y.
func exactRepulsion(y []float64, i int) (sumW, fx, fy float64) {
	xi, yi := y[2*i], y[2*i+1]
	for j := range len(y) / 2 {
		if j == i {
			continue
		}
		dx, dy := xi-y[2*j], yi-y[2*j+1]
		w := 1 / (1 + dx*dx + dy*dy)
		sumW += w
		fx += w * w * dx
		fy += w * w * dy
	}
	return sumW, fx, fy
}

// klWithZ returns KL(αP‖Q) = Σ αp_ij log(αp_ij / q_ij), q_ij = w_ij / z, over P's entries.
func klWithZ(p *Affinities, y []float64, z, exaggeration float64, workers int) float64 {
	part := make([]float64, p.N)
	parallelFor(p.N, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			s := 0.0
			for e := p.RowPtr[i]; e < p.RowPtr[i+1]; e++ {
				j := p.Col[e]
				pij := exaggeration * p.Val[e]
				if pij <= 0 {
					continue
				}
				dx, dy := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
				s += pij * math.Log(pij*(1+dx*dx+dy*dy)*z)
			}
			part[i] = s
		}
	})
	kl := 0.0
	for _, s := range part {
		kl += s
	}
	return kl
}

// exactZ returns Z = Σ_{i≠j} 1/(1+‖y_i−y_j‖²) for the n×2 embedding y, in O(N²).
func exactZ(y []float64, workers int) float64 {
	n := len(y) / 2
	part := make([]float64, n)
	parallelFor(n, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			part[i], _, _ = exactRepulsion(y, i)
		}
	})
	z := 0.0
	for _, s := range part {
		z += s
	}
	return z
}

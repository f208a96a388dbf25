package classify

import (
	"math"

	"github.com/boltzmann-go/boltzmann/dataset"
	"gonum.org/v1/gonum/floats"
)

// tau replaces a non-positive curvature in the SMO step, as in LIBSVM.
const tau = 1e-12

// rbfQ is the matrix Q_ij = y_i y_j exp(−γ‖x_i − x_j‖²) of one binary
// C-SVC problem, over rows of a shared training matrix, with LIBSVM's
// index permutation for shrinking and a kernelCache.
type rbfQ struct {
	x     *dataset.Matrix[float64]
	rows  []int     // position → training row
	y     []float64 // ±1
	sq    []float64 // ‖x_row‖²
	gamma float64
	cache *kernelCache
}

// get returns Q_i with at least length valid entries.
func (q *rbfQ) get(i, length int) []float64 {
	data, start := q.cache.get(i, length)
	if start < length {
		xi := q.x.Row(q.rows[i])
		for j := start; j < length; j++ {
			if j == i {
				data[j] = 1
				continue
			}
			d2 := q.sq[i] + q.sq[j] - 2*floats.Dot(xi, q.x.Row(q.rows[j]))
			data[j] = q.y[i] * q.y[j] * math.Exp(-q.gamma*max(d2, 0))
		}
	}
	return data
}

// swap exchanges positions i and j.
func (q *rbfQ) swap(i, j int) {
	q.cache.swapIndex(i, j)
	q.rows[i], q.rows[j] = q.rows[j], q.rows[i]
	q.y[i], q.y[j] = q.y[j], q.y[i]
	q.sq[i], q.sq[j] = q.sq[j], q.sq[i]
}

// alpha bound status.
const (
	atLower int8 = iota
	atUpper
	isFree
)

// smoResult is the solution of one binary problem: alpha in the order
// of the problem's rows, the offset rho of the decision function
// f(x) = Σ α_i y_i K(x_i, x) − rho, the dual objective and the number of
// iterations.
type smoResult struct {
	alpha      []float64
	rho        float64
	obj        float64
	iterations int
	maxedOut   bool
}

// smoSolver is LIBSVM's Solver (svm.cpp) for the C-SVC dual
//
//	min_α ½ αᵀQα − eᵀα  subject to  yᵀα = 0, 0 ≤ α_i ≤ C,
//
// sequential minimal optimisation with the second-order working-set
// selection WSS2 of Fan, Chen & Lin (2005) and LIBSVM's shrinking and
// gradient reconstruction.
type smoSolver struct {
	q           *rbfQ
	l           int
	c, eps      float64
	alpha       []float64
	status      []int8
	g, gBar     []float64
	active      []int // position → original index
	activeSize  int
	unshrink    bool
	noShrinking bool
}

// solveSMO solves the C-SVC dual for the rows of q (y and rows in
// problem order) and returns the solution in that order. It permutes q
// and drops its cache.
func solveSMO(q *rbfQ, c, eps float64, noShrinking bool) smoResult {
	l := len(q.rows)
	s := &smoSolver{
		q: q, l: l, c: c, eps: eps, noShrinking: noShrinking,
		alpha:  make([]float64, l),
		status: make([]int8, l),
		g:      make([]float64, l),
		gBar:   make([]float64, l),
		active: make([]int, l),
	}
	for i := range l {
		s.active[i] = i
		s.g[i] = -1 // p_i = −1; α starts at 0, so G = Qα + p = p
	}
	s.activeSize = l

	maxIter := max(10000000, 100*l)
	counter := min(l, 1000) + 1
	iter := 0
	for iter < maxIter {
		counter--
		if counter == 0 {
			counter = min(l, 1000)
			if !s.noShrinking {
				s.shrink()
			}
		}
		i, j, ok := s.selectWorkingSet()
		if !ok {
			s.reconstructGradient()
			s.activeSize = l
			if i, j, ok = s.selectWorkingSet(); !ok {
				break
			}
			counter = 1 // shrink at the next iteration
		}
		iter++
		s.step(i, j)
	}
	res := smoResult{iterations: iter, maxedOut: iter >= maxIter}
	if s.activeSize < l {
		s.reconstructGradient()
		s.activeSize = l
	}
	res.rho = s.rho()
	v := 0.0
	for i := range l {
		v += s.alpha[i] * (s.g[i] - 1)
	}
	res.obj = v / 2
	res.alpha = make([]float64, l)
	for i := range l {
		res.alpha[s.active[i]] = s.alpha[i]
	}
	q.cache = nil // q is permuted now; release the cache
	return res
}

// upper reports whether α_i = C.
func (s *smoSolver) upper(i int) bool { return s.status[i] == atUpper }

// lower reports whether α_i = 0.
func (s *smoSolver) lower(i int) bool { return s.status[i] == atLower }

// free reports whether 0 < α_i < C.
func (s *smoSolver) free(i int) bool { return s.status[i] == isFree }

// updateStatus recomputes α_i's bound status.
func (s *smoSolver) updateStatus(i int) {
	switch {
	case s.alpha[i] >= s.c:
		s.status[i] = atUpper
	case s.alpha[i] <= 0:
		s.status[i] = atLower
	default:
		s.status[i] = isFree
	}
}

// swap exchanges positions i and j of the solver and of Q.
func (s *smoSolver) swap(i, j int) {
	s.q.swap(i, j)
	s.status[i], s.status[j] = s.status[j], s.status[i]
	s.alpha[i], s.alpha[j] = s.alpha[j], s.alpha[i]
	s.g[i], s.g[j] = s.g[j], s.g[i]
	s.gBar[i], s.gBar[j] = s.gBar[j], s.gBar[i]
	s.active[i], s.active[j] = s.active[j], s.active[i]
}

// step optimises α_i and α_j analytically, keeping them in [0, C] and
// yᵀα constant, and updates the gradient (LIBSVM Solver::Solve).
func (s *smoSolver) step(i, j int) {
	y := s.q.y
	qi := s.q.get(i, s.activeSize)
	qj := s.q.get(j, s.activeSize)
	c := s.c
	oldI, oldJ := s.alpha[i], s.alpha[j]
	a := s.alpha
	if y[i] != y[j] {
		quad := 2 + 2*qi[j] // Q_ii = Q_jj = 1 for the RBF kernel
		if quad <= 0 {
			quad = tau
		}
		delta := (-s.g[i] - s.g[j]) / quad
		diff := a[i] - a[j]
		a[i] += delta
		a[j] += delta
		if diff > 0 {
			if a[j] < 0 {
				a[j], a[i] = 0, diff
			}
		} else if a[i] < 0 {
			a[i], a[j] = 0, -diff
		}
		if diff > 0 { // C_i − C_j = 0
			if a[i] > c {
				a[i], a[j] = c, c-diff
			}
		} else if a[j] > c {
			a[j], a[i] = c, c+diff
		}
	} else {
		quad := 2 - 2*qi[j]
		if quad <= 0 {
			quad = tau
		}
		delta := (s.g[i] - s.g[j]) / quad
		sum := a[i] + a[j]
		a[i] -= delta
		a[j] += delta
		if sum > c {
			if a[i] > c {
				a[i], a[j] = c, sum-c
			}
		} else if a[j] < 0 {
			a[j], a[i] = 0, sum
		}
		if sum > c {
			if a[j] > c {
				a[j], a[i] = c, sum-c
			}
		} else if a[i] < 0 {
			a[i], a[j] = 0, sum
		}
	}
	dI, dJ := a[i]-oldI, a[j]-oldJ
	for k := range s.activeSize {
		s.g[k] += qi[k]*dI + qj[k]*dJ
	}
	ui, uj := s.upper(i), s.upper(j)
	s.updateStatus(i)
	s.updateStatus(j)
	if ui != s.upper(i) {
		s.updateGBar(i, ui)
	}
	if uj != s.upper(j) {
		s.updateGBar(j, uj)
	}
}

// updateGBar adds (or, if wasUpper, removes) C·Q_i to Ḡ, the gradient
// part of the variables at the upper bound.
func (s *smoSolver) updateGBar(i int, wasUpper bool) {
	qi := s.q.get(i, s.l)
	cc := s.c
	if wasUpper {
		cc = -cc
	}
	for k := range s.l {
		s.gBar[k] += cc * qi[k]
	}
}

// selectWorkingSet is WSS2 (Fan, Chen & Lin 2005, LIBSVM's
// select_working_set): i maximises −y_t ∇f_t over I_up, j minimises the
// second-order decrease −b²/a over t in I_low with −y_t ∇f_t < −y_i ∇f_i.
// ok is false when the maximal violation m(α) − M(α) is below eps.
func (s *smoSolver) selectWorkingSet() (i, j int, ok bool) {
	y, g := s.q.y, s.g
	gmax, gmax2 := math.Inf(-1), math.Inf(-1)
	gmaxIdx, gminIdx := -1, -1
	objMin := math.Inf(1)
	for t := range s.activeSize {
		if y[t] > 0 {
			if !s.upper(t) && -g[t] >= gmax {
				gmax, gmaxIdx = -g[t], t
			}
		} else if !s.lower(t) && g[t] >= gmax {
			gmax, gmaxIdx = g[t], t
		}
	}
	i = gmaxIdx
	var qi []float64
	if i != -1 {
		qi = s.q.get(i, s.activeSize)
	}
	for t := range s.activeSize {
		var gradDiff, quad float64
		if y[t] > 0 {
			if s.lower(t) {
				continue
			}
			gradDiff = gmax + g[t]
			gmax2 = max(gmax2, g[t])
			if gradDiff <= 0 {
				continue
			}
			quad = 2 - 2*y[i]*qi[t]
		} else {
			if s.upper(t) {
				continue
			}
			gradDiff = gmax - g[t]
			gmax2 = max(gmax2, -g[t])
			if gradDiff <= 0 {
				continue
			}
			quad = 2 + 2*y[i]*qi[t]
		}
		if quad <= 0 {
			quad = tau
		}
		if obj := -gradDiff * gradDiff / quad; obj <= objMin {
			gminIdx, objMin = t, obj
		}
	}
	if gmax+gmax2 < s.eps || gminIdx == -1 {
		return 0, 0, false
	}
	return gmaxIdx, gminIdx, true
}

// beShrunk reports whether α_i is at a bound and cannot enter the
// working set before the violation falls below the current maxima.
func (s *smoSolver) beShrunk(i int, gmax1, gmax2 float64) bool {
	y, g := s.q.y[i], s.g[i]
	switch {
	case s.upper(i):
		if y > 0 {
			return -g > gmax1
		}
		return -g > gmax2
	case s.lower(i):
		if y > 0 {
			return g > gmax2
		}
		return g > gmax1
	}
	return false
}

// shrink moves variables that are likely to stay at their bounds past
// activeSize (LIBSVM's do_shrinking), and once, when the violation first
// falls below 10·eps, restores the full set to check it.
func (s *smoSolver) shrink() {
	y, g := s.q.y, s.g
	gmax1, gmax2 := math.Inf(-1), math.Inf(-1)
	for i := range s.activeSize {
		if y[i] > 0 {
			if !s.upper(i) {
				gmax1 = max(gmax1, -g[i])
			}
			if !s.lower(i) {
				gmax2 = max(gmax2, g[i])
			}
		} else {
			if !s.upper(i) {
				gmax2 = max(gmax2, -g[i])
			}
			if !s.lower(i) {
				gmax1 = max(gmax1, g[i])
			}
		}
	}
	if !s.unshrink && gmax1+gmax2 <= s.eps*10 {
		s.unshrink = true
		s.reconstructGradient()
		s.activeSize = s.l
	}
	for i := 0; i < s.activeSize; i++ {
		if !s.beShrunk(i, gmax1, gmax2) {
			continue
		}
		s.activeSize--
		for s.activeSize > i {
			if !s.beShrunk(s.activeSize, gmax1, gmax2) {
				s.swap(i, s.activeSize)
				break
			}
			s.activeSize--
		}
	}
}

// reconstructGradient recomputes the gradient of the shrunk variables
// from Ḡ and the free variables (LIBSVM's reconstruct_gradient).
func (s *smoSolver) reconstructGradient() {
	if s.activeSize == s.l {
		return
	}
	for j := s.activeSize; j < s.l; j++ {
		s.g[j] = s.gBar[j] - 1
	}
	nFree := 0
	for j := range s.activeSize {
		if s.free(j) {
			nFree++
		}
	}
	if nFree*s.l > 2*s.activeSize*(s.l-s.activeSize) {
		for i := s.activeSize; i < s.l; i++ {
			qi := s.q.get(i, s.activeSize)
			for j := range s.activeSize {
				if s.free(j) {
					s.g[i] += s.alpha[j] * qi[j]
				}
			}
		}
	} else {
		for i := range s.activeSize {
			if !s.free(i) {
				continue
			}
			qi := s.q.get(i, s.l)
			ai := s.alpha[i]
			for j := s.activeSize; j < s.l; j++ {
				s.g[j] += ai * qi[j]
			}
		}
	}
}

// rho returns the offset: the mean of y_i ∇f_i over free variables, or
// the midpoint of the feasible interval if none is free (LIBSVM's
// calculate_rho).
func (s *smoSolver) rho() float64 {
	y, g := s.q.y, s.g
	ub, lb := math.Inf(1), math.Inf(-1)
	nFree, sumFree := 0, 0.0
	for i := range s.activeSize {
		yg := y[i] * g[i]
		switch {
		case s.upper(i):
			if y[i] < 0 {
				ub = min(ub, yg)
			} else {
				lb = max(lb, yg)
			}
		case s.lower(i):
			if y[i] > 0 {
				ub = min(ub, yg)
			} else {
				lb = max(lb, yg)
			}
		default:
			nFree++
			sumFree += yg
		}
	}
	if nFree > 0 {
		return sumFree / float64(nFree)
	}
	return (ub + lb) / 2
}

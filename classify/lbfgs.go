package classify

import "math"

// lbfgsResult is the outcome of lbfgs: the last accepted point, its
// value, the number of iterations, and whether a convergence test (not
// the iteration limit or a failed line search) stopped the iterations.
type lbfgsResult struct {
	x          []float64
	f          float64
	iterations int
	converged  bool
}

// lbfgs minimises a smooth function by limited-memory BFGS (Nocedal &
// Wright, Numerical Optimization, 2nd ed., Algorithms 7.4 and 7.5) with
// memory m and a line search satisfying the strong Wolfe conditions
// (Algorithms 3.5 and 3.6, c1 = 1e-4, c2 = 0.9, cubic interpolation).
// fg(x, grad) returns f(x) and stores ∇f(x) in grad.
//
// It stops, converged, when ‖∇f‖∞ ≤ gtol or when an iteration lowers f by
// at most ftol·max(|f|, |f_new|, 1) (the tests of SciPy's L-BFGS-B, which
// scikit-learn's lbfgs solver uses with ftol = 64·eps); and, not
// converged, after maxIter iterations or when the line search fails. It
// is deterministic: the same inputs give the same bits.
func lbfgs(fg func(x, grad []float64) float64, x0 []float64, m, maxIter int, gtol, ftol float64) lbfgsResult {
	n := len(x0)
	x := append([]float64(nil), x0...)
	g := make([]float64, n)
	f := fg(x, g)
	res := lbfgsResult{x: x, f: f}
	if normInf(g) <= gtol {
		res.converged = true
		return res
	}
	s := make([][]float64, 0, m)
	y := make([][]float64, 0, m)
	rho := make([]float64, 0, m)
	alpha := make([]float64, m)
	d := make([]float64, n)
	ls := newLineSearch(fg, n)
	for res.iterations < maxIter {
		// Two-loop recursion: d = −H∇f.
		for i := range d {
			d[i] = -g[i]
		}
		for k := len(s) - 1; k >= 0; k-- {
			alpha[k] = rho[k] * dot(s[k], d)
			axpy(-alpha[k], y[k], d)
		}
		if k := len(s) - 1; k >= 0 {
			scale(dot(s[k], y[k])/dot(y[k], y[k]), d)
		}
		for k := range s {
			beta := rho[k] * dot(y[k], d)
			axpy(alpha[k]-beta, s[k], d)
		}
		step := 1.0
		if len(s) == 0 {
			step = 1 / math.Sqrt(dot(g, g)) // first step: unit length, as L-BFGS-B
		}
		if dot(g, d) >= 0 { // not a descent direction: restart from steepest descent
			s, y, rho = s[:0], y[:0], rho[:0]
			for i := range d {
				d[i] = -g[i]
			}
			step = 1 / math.Sqrt(dot(g, g))
		}
		fNew, ok := ls.search(x, f, g, d, step)
		res.iterations++
		if !ok {
			return res
		}
		// Store s = x_new − x, y = g_new − g, recycling the oldest pair.
		var sk, yk []float64
		if len(s) == m {
			sk, yk = s[0], y[0]
			s, y, rho = append(s[:0], s[1:]...), append(y[:0], y[1:]...), append(rho[:0], rho[1:]...)
		} else {
			sk, yk = make([]float64, n), make([]float64, n)
		}
		for i := range sk {
			sk[i] = ls.x[i] - x[i]
			yk[i] = ls.g[i] - g[i]
		}
		if sy := dot(sk, yk); sy > 1e-10*dot(yk, yk) { // keep H positive definite
			s, y, rho = append(s, sk), append(y, yk), append(rho, 1/sy)
		}
		copy(x, ls.x)
		copy(g, ls.g)
		fOld := f
		f, res.f = fNew, fNew
		if normInf(g) <= gtol || fOld-f <= ftol*max(math.Abs(fOld), math.Abs(f), 1) {
			res.converged = true
			return res
		}
	}
	return res
}

// lineSearch holds the trial point and gradient of a strong-Wolfe line
// search; after a successful search, x and g are the accepted point's.
type lineSearch struct {
	fg   func(x, grad []float64) float64
	x, g []float64
	x0   []float64
	d    []float64
	at   float64 // the step whose point x and g hold
}

// newLineSearch returns a line search for n-dimensional fg.
func newLineSearch(fg func(x, grad []float64) float64, n int) *lineSearch {
	return &lineSearch{fg: fg, x: make([]float64, n), g: make([]float64, n)}
}

// eval evaluates φ(a) = f(x0 + a·d) and φ'(a).
func (ls *lineSearch) eval(a float64) (phi, dphi float64) {
	for i := range ls.x {
		ls.x[i] = ls.x0[i] + a*ls.d[i]
	}
	phi = ls.fg(ls.x, ls.g)
	ls.at = a
	return phi, dot(ls.g, ls.d)
}

// Line-search constants: sufficient decrease c1, curvature c2, and the
// maximum numbers of bracketing and zoom evaluations.
const (
	wolfeC1    = 1e-4
	wolfeC2    = 0.9
	maxBracket = 40
	maxZoom    = 40
)

// search finds a step a along d from x (value f, gradient g) that
// satisfies the strong Wolfe conditions, starting from a0, and returns
// φ(a); ls.x and ls.g then hold the new point and gradient. ok is false
// if no step lowered f.
func (ls *lineSearch) search(x []float64, f float64, g, d []float64, a0 float64) (float64, bool) {
	ls.x0, ls.d = x, d
	phi0, dphi0 := f, dot(g, d)
	aPrev, phiPrev, dphiPrev := 0.0, phi0, dphi0
	a := a0
	for i := range maxBracket {
		phi, dphi := ls.eval(a)
		if !isFinite(phi) || !isFinite(dphi) {
			a = aPrev + (a-aPrev)/4 // overflow: step back towards aPrev
			continue
		}
		if phi > phi0+wolfeC1*a*dphi0 || (i > 0 && phi >= phiPrev) {
			return ls.zoom(phi0, dphi0, aPrev, phiPrev, dphiPrev, a, phi, dphi)
		}
		if math.Abs(dphi) <= -wolfeC2*dphi0 {
			return phi, true
		}
		if dphi >= 0 {
			return ls.zoom(phi0, dphi0, a, phi, dphi, aPrev, phiPrev, dphiPrev)
		}
		aPrev, phiPrev, dphiPrev = a, phi, dphi
		a *= 4
	}
	return ls.accept(phi0, aPrev, phiPrev)
}

// zoom narrows the bracket [lo, hi] (lo satisfies sufficient decrease
// and has the lower φ) to a strong-Wolfe step (Algorithm 3.6).
func (ls *lineSearch) zoom(phi0, dphi0, lo, phiLo, dphiLo, hi, phiHi, dphiHi float64) (float64, bool) {
	for range maxZoom {
		a := cubicMin(lo, phiLo, dphiLo, hi, phiHi, dphiHi)
		phi, dphi := ls.eval(a)
		if phi > phi0+wolfeC1*a*dphi0 || phi >= phiLo || !isFinite(phi) {
			hi, phiHi, dphiHi = a, phi, dphi
			continue
		}
		if math.Abs(dphi) <= -wolfeC2*dphi0 {
			return phi, true
		}
		if dphi*(hi-lo) >= 0 {
			hi, phiHi, dphiHi = lo, phiLo, dphiLo
		}
		lo, phiLo, dphiLo = a, phi, dphi
		if math.Abs(hi-lo) <= 1e-16*math.Abs(lo) {
			break
		}
	}
	return ls.accept(phi0, lo, phiLo)
}

// accept takes step a if it lowered f (the best step when the search ran
// out of evaluations), re-evaluating there if needed.
func (ls *lineSearch) accept(phi0, a, phi float64) (float64, bool) {
	if a <= 0 || !(phi < phi0) {
		return phi0, false
	}
	if ls.at != a {
		phi, _ = ls.eval(a)
	}
	return phi, true
}

// cubicMin returns the minimiser of the cubic interpolating φ and φ' at
// a and b, kept at least a tenth of the interval from either end;
// bisection when the cubic has no minimiser there.
func cubicMin(a, fa, da, b, fb, db float64) float64 {
	lo, hi := min(a, b), max(a, b)
	w := hi - lo
	d1 := da + db - 3*(fa-fb)/(a-b)
	disc := d1*d1 - da*db
	if disc >= 0 && isFinite(d1) && isFinite(fb) && isFinite(db) {
		d2 := math.Copysign(math.Sqrt(disc), b-a)
		t := b - (b-a)*(db+d2-d1)/(db-da+2*d2)
		if isFinite(t) && t >= lo+0.1*w && t <= hi-0.1*w {
			return t
		}
	}
	return lo + w/2
}

// isFinite reports whether v is neither NaN nor infinite.
func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// dot returns aᵀb.
func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// axpy adds a·x to y.
func axpy(a float64, x, y []float64) {
	for i, v := range x {
		y[i] += a * v
	}
}

// scale multiplies x by a.
func scale(a float64, x []float64) {
	for i := range x {
		x[i] *= a
	}
}

// normInf returns max |x_i|.
func normInf(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}

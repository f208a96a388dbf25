package classify

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// streamLinearSVC is the PCG stream word of LinearSVC's coordinate
// shuffles (plus the class index).
const streamLinearSVC uint64 = 0x6c696e7376630000 // "linsvc"

// LinearSVC is a linear support vector classifier, scikit-learn's
// LinearSVC(dual=True) and LIBLINEAR's L2-regularised L2-loss (or L1-loss)
// SVC solved in the dual. For each class c it finds w_c minimising
//
//	½‖w‖² + C Σ_i ℓ(y_i wᵀx̂_i),  ℓ(t) = max(0, 1 − t)²  (or max(0, 1 − t)),
//
// where y_i = +1 if row i is of class c and −1 otherwise (one-vs-rest)
// and x̂ = (x, 1) carries the bias as an extra constant feature, which is
// therefore regularised too, as in LIBLINEAR. With only two classes a
// single problem is solved, as LIBLINEAR does.
//
// The solver is the dual coordinate descent of Hsieh, Chang, Lin, Keerthi
// & Sundararajan, "A dual coordinate descent method for large-scale linear
// SVM", ICML 2008 (LIBLINEAR's solve_l2r_l1l2_svc), with its shrinking. It
// visits the coordinates in an order shuffled each pass by a generator
// seeded with Seed, and stops when the projected-gradient range falls
// below Tol or after MaxIter passes. The classes are solved on all CPUs.
type LinearSVC struct {
	// C is the loss weight; 0 means 1.
	C float64
	// Loss is "squared_hinge" (the default when empty) or "hinge".
	Loss string
	// Tol is the stopping tolerance on max − min of the projected
	// gradient; 0 means 1e-4, scikit-learn's default.
	Tol float64
	// MaxIter is the maximum number of passes over the data per class; 0
	// means 1000, scikit-learn's default.
	MaxIter int
	// Seed seeds the coordinate shuffles; the same seed gives the same
	// weights.
	Seed uint64
	// Classes is the number of classes; 0 means max(y)+1 of the training
	// labels. Scores has this many columns.
	Classes int

	cols       int
	labels     labelSet
	w          []float64 // problems×(cols+1), row-major; bias last
	iterations int
	converged  bool
}

// params returns C, the loss's (upper bound, diagonal) of the dual, Tol
// and MaxIter with defaults filled in, or an ErrArgument error.
func (m *LinearSVC) params(what string) (c, upper, diag, tol float64, maxIter int, err error) {
	c, tol, maxIter = m.C, m.Tol, m.MaxIter
	if c == 0 {
		c = 1
	}
	if tol == 0 {
		tol = 1e-4
	}
	if maxIter == 0 {
		maxIter = 1000
	}
	if err := checkC(what, "C", c); err != nil {
		return 0, 0, 0, 0, 0, err
	}
	if err := checkC(what, "Tol", tol); err != nil {
		return 0, 0, 0, 0, 0, err
	}
	if maxIter < 0 {
		return 0, 0, 0, 0, 0, fmt.Errorf("%s: MaxIter = %d, want ≥ 0: %w", what, maxIter, ErrArgument)
	}
	switch m.Loss {
	case "", "squared_hinge":
		upper, diag = math.Inf(1), 1/(2*c)
	case "hinge":
		upper, diag = c, 0
	default:
		return 0, 0, 0, 0, 0, fmt.Errorf("%s: Loss = %q, want \"squared_hinge\" or \"hinge\": %w", what, m.Loss, ErrArgument)
	}
	return c, upper, diag, tol, maxIter, nil
}

// Fit solves the one-vs-rest problems. It needs at least two classes in
// y. Reaching MaxIter is not an error; see Converged.
func (m *LinearSVC) Fit(x *dataset.Matrix[float64], y []int) error {
	const what = "classify: linearsvc fit"
	_, upper, diag, tol, maxIter, err := m.params(what)
	if err != nil {
		return err
	}
	ls, err := checkFit(what, x, y, m.Classes)
	if err != nil {
		return err
	}
	if err := ls.needTwo(what); err != nil {
		return err
	}
	np := len(ls.present)
	if np == 2 {
		np = 1 // one problem: +1 for the second class
	}
	d1 := x.Cols + 1
	w := make([]float64, np*d1)
	norms := rowNorms(x)
	iters := make([]int, np)
	parallelTasks(np, workers(), func(p int) {
		pos := ls.present[p]
		if np == 1 {
			pos = ls.present[1]
		}
		sign := make([]float64, x.Rows)
		for i, l := range y {
			sign[i] = -1
			if l == pos {
				sign[i] = 1
			}
		}
		rng := rand.New(rand.NewPCG(m.Seed, streamLinearSVC+uint64(p)))
		iters[p] = dualCD(x, norms, sign, upper, diag, tol, maxIter, rng, w[p*d1:(p+1)*d1])
	})
	m.cols, m.labels, m.w = x.Cols, ls, w
	m.iterations, m.converged = 0, true
	for _, it := range iters {
		m.iterations = max(m.iterations, it)
		m.converged = m.converged && it < maxIter
	}
	return nil
}

// Iterations returns the largest number of passes any one-vs-rest
// problem of the last Fit took.
func (m *LinearSVC) Iterations() int { return m.iterations }

// Converged reports whether every problem of the last Fit met Tol
// within MaxIter passes.
func (m *LinearSVC) Converged() bool { return m.converged }

// dualCD runs LIBLINEAR's dual coordinate descent for labels sign (±1)
// and stores the primal weights (bias last) in w. It returns the number
// of passes made.
func dualCD(x *dataset.Matrix[float64], norms, sign []float64, upper, diag, tol float64, maxIter int, rng *rand.Rand, w []float64) int {
	l, d := x.Rows, x.Cols
	alpha := make([]float64, l)
	qd := make([]float64, l)
	index := make([]int, l)
	for i := range l {
		qd[i] = norms[i] + 1 + diag
		index[i] = i
	}
	clear(w)
	pgMaxOld, pgMinOld := math.Inf(1), math.Inf(-1)
	active := l
	iter := 0
	for iter < maxIter {
		pgMaxNew, pgMinNew := math.Inf(-1), math.Inf(1)
		rng.Shuffle(active, func(i, j int) { index[i], index[j] = index[j], index[i] })
		for s := 0; s < active; s++ {
			i := index[s]
			xi := x.Row(i)
			yi := sign[i]
			g := yi*(floats.Dot(w[:d], xi)+w[d]) - 1 + diag*alpha[i]
			pg := 0.0
			switch {
			case alpha[i] == 0:
				if g > pgMaxOld {
					active--
					index[s], index[active] = index[active], index[s]
					s--
					continue
				}
				pg = min(g, 0)
			case alpha[i] == upper:
				if g < pgMinOld {
					active--
					index[s], index[active] = index[active], index[s]
					s--
					continue
				}
				pg = max(g, 0)
			default:
				pg = g
			}
			pgMaxNew, pgMinNew = max(pgMaxNew, pg), min(pgMinNew, pg)
			if math.Abs(pg) > 1e-12 {
				old := alpha[i]
				alpha[i] = min(max(old-g/qd[i], 0), upper)
				delta := (alpha[i] - old) * yi
				floats.AddScaled(w[:d], delta, xi)
				w[d] += delta
			}
		}
		iter++
		if pgMaxNew-pgMinNew <= tol {
			if active == l {
				break
			}
			active = l
			pgMaxOld, pgMinOld = math.Inf(1), math.Inf(-1)
			continue
		}
		pgMaxOld, pgMinOld = pgMaxNew, pgMinNew
		if pgMaxOld <= 0 {
			pgMaxOld = math.Inf(1)
		}
		if pgMinOld >= 0 {
			pgMinOld = math.Inf(-1)
		}
	}
	return iter
}

// Predict returns the class of largest decision value for each row of x.
func (m *LinearSVC) Predict(x *dataset.Matrix[float64]) ([]int, error) {
	s, err := m.Scores(x)
	if err != nil {
		return nil, nest.Within("classify: linearsvc predict", err)
	}
	pred := make([]int, x.Rows)
	for i := range pred {
		pred[i] = argmax(s.Row(i))
	}
	return pred, nil
}

// Scores returns the x.Rows×Classes matrix of decision values wᵀx̂ of the
// one-vs-rest problems. With two classes a and b, the columns are −f and
// f of the single problem. Classes absent from the training labels score
// −Inf.
func (m *LinearSVC) Scores(x *dataset.Matrix[float64]) (*dataset.Matrix[float64], error) {
	const what = "classify: linearsvc scores"
	if m.w == nil {
		return nil, fmt.Errorf("%s: %w", what, ErrNotFitted)
	}
	if err := checkCols(what, x, m.cols); err != nil {
		return nil, err
	}
	d1 := m.cols + 1
	np := len(m.w) / d1
	var f mat.Dense
	w := mat.NewDense(np, d1, m.w).Slice(0, np, 0, m.cols)
	f.Mul(mat.NewDense(x.Rows, x.Cols, x.Data), w.T())
	k := m.labels.k
	out := dataset.NewMatrix[float64](x.Rows, k)
	for i := range out.Data {
		out.Data[i] = math.Inf(-1)
	}
	for i := range x.Rows {
		for p := range np {
			v := f.At(i, p) + m.w[p*d1+m.cols]
			if np == 1 {
				out.Data[i*k+m.labels.present[0]] = -v
				out.Data[i*k+m.labels.present[1]] = v
				continue
			}
			out.Data[i*k+m.labels.present[p]] = v
		}
	}
	return out, nil
}

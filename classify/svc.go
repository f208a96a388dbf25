package classify

import (
	"fmt"
	"math"

	"github.com/boltzmann-go/boltzmann/dataset"
	"gonum.org/v1/gonum/mat"
)

// SVC is the exact kernel support vector classifier with the RBF kernel
// K(a, b) = exp(−γ‖a − b‖²), scikit-learn's SVC(kernel='rbf') and LIBSVM's
// C-SVC. The original project used SVC(C=1e3, tol=1e-6, random_state=1337)
// with γ = 1/n_features, the Gamma default here; the seed played no part
// there (it only seeds LIBSVM's probability estimates), so SVC has none.
//
// K classes are handled one-vs-one as in LIBSVM: one binary problem for
// every pair of classes a < b present in the labels (45 for 10 classes),
// with y = +1 for a and −1 for b, solved independently on all CPUs. Each
// is the dual
//
//	min_α ½ αᵀQα − Σα  subject to  Σ y_i α_i = 0, 0 ≤ α_i ≤ C,
//	Q_ij = y_i y_j K(x_i, x_j),
//
// solved by SMO with second-order working-set selection (WSS2: Fan, Chen
// & Lin, "Working set selection using second order information for
// training support vector machines", JMLR 6, 2005), LIBSVM's shrinking,
// and a least-recently-used cache of kernel rows of CacheMB megabytes per
// problem (so up to NumCPU·CacheMB in all). The iterations stop when the
// maximal KKT violation max_{I_up} −y_i∇_i − min_{I_low} −y_i∇_i falls
// below Tol. Fit time grows roughly as n² to n^2.3 in the number of rows.
//
// Predict evaluates f_ab(x) = Σ_i α_i y_i K(x_i, x) − ρ for every pair;
// f_ab(x) > 0 is a vote for a, otherwise for b, and the class with the
// most votes wins, the smallest on ties (LIBSVM's rule).
type SVC struct {
	// C is the box constraint (inverse regularisation); 0 means 1, the
	// scikit-learn default.
	C float64
	// Gamma is the kernel width γ; 0 means 1/n_features.
	Gamma float64
	// Tol is the stopping tolerance on the KKT violation; 0 means 1e-3.
	Tol float64
	// CacheMB is the kernel cache size per binary problem in MiB; 0 means
	// 200, scikit-learn's cache_size.
	CacheMB int
	// Classes is the number of classes; 0 means max(y)+1 of the training
	// labels.
	Classes int
	// Progress, if not nil, is called from the calling goroutine after
	// each binary problem is solved with the number solved and the total.
	Progress func(done, total int)

	noShrinking bool // for tests: LIBSVM's -h 0
	cacheElems  int  // for tests: the cache budget in elements, if > 0

	cols       int
	gamma      float64
	labels     labelSet
	sv         *dataset.Matrix[float64] // support vectors, one per row
	svNorms    []float64
	pairs      []svcPair
	iterations int
	converged  bool
}

// svcPair is the decision function of one binary problem between the
// present classes a < b (indices into labels.present).
type svcPair struct {
	a, b int
	sv   []int     // rows of SVC.sv
	coef []float64 // α_i y_i
	rho  float64
	res  smoResult // the raw solution, in problem order (for tests)
	rows []int     // the problem's training rows, in problem order
}

// params returns C, γ, Tol and the cache budget in float64 elements with
// defaults filled in, or an ErrArgument error.
func (m *SVC) params(what string, cols int) (c, gamma, tol float64, budget int, err error) {
	c, gamma, tol = m.C, m.Gamma, m.Tol
	if c == 0 {
		c = 1
	}
	if gamma == 0 {
		gamma = 1 / float64(cols)
	}
	if tol == 0 {
		tol = 1e-3
	}
	if err := checkC(what, "C", c); err != nil {
		return 0, 0, 0, 0, err
	}
	if err := checkC(what, "Gamma", gamma); err != nil {
		return 0, 0, 0, 0, err
	}
	if err := checkC(what, "Tol", tol); err != nil {
		return 0, 0, 0, 0, err
	}
	mb := m.CacheMB
	if mb == 0 {
		mb = 200
	}
	if mb < 0 {
		return 0, 0, 0, 0, fmt.Errorf("%s: CacheMB = %d, want ≥ 0: %w", what, m.CacheMB, ErrArgument)
	}
	budget = mb << 20 / 8
	if m.cacheElems > 0 {
		budget = m.cacheElems
	}
	return c, gamma, tol, budget, nil
}

// Fit solves the one-vs-one problems. It needs at least two classes in
// y. Reaching LIBSVM's iteration limit, max(10⁷, 100·rows), in a problem
// is not an error; see Converged.
func (m *SVC) Fit(x *dataset.Matrix[float64], y []int) error {
	const what = "classify: svc fit"
	ls, err := checkFit(what, x, y, m.Classes)
	if err != nil {
		return err
	}
	c, gamma, tol, budget, err := m.params(what, x.Cols)
	if err != nil {
		return err
	}
	if err := ls.needTwo(what); err != nil {
		return err
	}
	kp := len(ls.present)
	byClass := make([][]int, kp)
	for i, l := range y {
		q := ls.index[l]
		byClass[q] = append(byClass[q], i)
	}
	var pairs []svcPair
	for a := range kp {
		for b := a + 1; b < kp; b++ {
			rows := append(append([]int(nil), byClass[a]...), byClass[b]...)
			pairs = append(pairs, svcPair{a: a, b: b, rows: rows})
		}
	}
	norms := rowNorms(x)
	done := make(chan struct{}, len(pairs))
	go parallelTasks(len(pairs), workers(), func(p int) {
		pr := &pairs[p]
		q := &rbfQ{x: x, gamma: gamma, rows: append([]int(nil), pr.rows...),
			y: make([]float64, len(pr.rows)), sq: make([]float64, len(pr.rows)),
			cache: newKernelCache(len(pr.rows), budget)}
		for t, r := range pr.rows {
			q.y[t] = -1
			if t < len(byClass[pr.a]) {
				q.y[t] = 1
			}
			q.sq[t] = norms[r]
		}
		pr.res = solveSMO(q, c, tol, m.noShrinking)
		done <- struct{}{}
	})
	for p := range pairs {
		<-done
		if m.Progress != nil {
			m.Progress(p+1, len(pairs))
		}
	}

	// Gather the support vectors of all problems into one matrix.
	svPos := make([]int, x.Rows)
	for i := range svPos {
		svPos[i] = -1
	}
	var svRows []int
	m.iterations, m.converged = 0, true
	for p := range pairs {
		pr := &pairs[p]
		na := len(byClass[pr.a])
		for t, r := range pr.rows {
			a := pr.res.alpha[t]
			if a == 0 {
				continue
			}
			if svPos[r] < 0 {
				svPos[r] = len(svRows)
				svRows = append(svRows, r)
			}
			yt := -1.0
			if t < na {
				yt = 1
			}
			pr.sv = append(pr.sv, svPos[r])
			pr.coef = append(pr.coef, a*yt)
		}
		pr.rho = pr.res.rho
		m.iterations += pr.res.iterations
		m.converged = m.converged && !pr.res.maxedOut
	}
	m.cols, m.gamma, m.labels, m.pairs = x.Cols, gamma, ls, pairs
	m.sv = x.Gather(svRows)
	m.svNorms = rowNorms(m.sv)
	return nil
}

// NumSupport returns the number of distinct training rows that are
// support vectors (α > 0) of some binary problem of the last Fit.
func (m *SVC) NumSupport() int {
	if m.sv == nil {
		return 0
	}
	return m.sv.Rows
}

// Iterations returns the total number of SMO iterations of the last Fit,
// summed over the binary problems.
func (m *SVC) Iterations() int { return m.iterations }

// Converged reports whether every binary problem of the last Fit met the
// tolerance before LIBSVM's iteration limit.
func (m *SVC) Converged() bool { return m.converged }

// Predict returns the one-vs-one vote winner for each row of x.
func (m *SVC) Predict(x *dataset.Matrix[float64]) ([]int, error) {
	const what = "classify: svc predict"
	dec, err := m.decisions(what, x)
	if err != nil {
		return nil, err
	}
	kp, np := len(m.labels.present), len(m.pairs)
	pred := make([]int, x.Rows)
	parallelRange(x.Rows, 256, func(lo, hi int) {
		votes := make([]float64, kp)
		for i := lo; i < hi; i++ {
			clear(votes)
			for p, pr := range m.pairs {
				if dec[i*np+p] > 0 {
					votes[pr.a]++
				} else {
					votes[pr.b]++
				}
			}
			pred[i] = m.labels.present[argmax(votes)]
		}
	})
	return pred, nil
}

// decisions returns the row-major x.Rows×len(pairs) matrix of decision
// values f_ab(x_i).
func (m *SVC) decisions(what string, x *dataset.Matrix[float64]) ([]float64, error) {
	if m.sv == nil {
		return nil, fmt.Errorf("%s: %w", what, ErrNotFitted)
	}
	if err := checkCols(what, x, m.cols); err != nil {
		return nil, err
	}
	np, nsv, d := len(m.pairs), m.sv.Rows, m.cols
	dec := make([]float64, x.Rows*np)
	svT := mat.NewDense(nsv, d, m.sv.Data).T()
	chunk := blockRows(x.Rows, nsv)
	buf := make([]float64, chunk*nsv)
	for lo := 0; lo < x.Rows; lo += chunk {
		hi := min(lo+chunk, x.Rows)
		c := hi - lo
		k := mat.NewDense(c, nsv, buf[:c*nsv])
		k.Mul(mat.NewDense(c, d, x.Data[lo*d:hi*d]), svT)
		parallelRange(c, 16, func(rlo, rhi int) {
			for r := rlo; r < rhi; r++ {
				row := buf[r*nsv : (r+1)*nsv]
				xn := 0.0
				for _, v := range x.Row(lo + r) {
					xn += v * v
				}
				for j, g := range row {
					row[j] = math.Exp(-m.gamma * max(xn+m.svNorms[j]-2*g, 0))
				}
				for p, pr := range m.pairs {
					s := 0.0
					for q, j := range pr.sv {
						s += pr.coef[q] * row[j]
					}
					dec[(lo+r)*np+p] = s - pr.rho
				}
			}
		})
	}
	return dec, nil
}

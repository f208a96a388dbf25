package classify

import (
	"fmt"
	"math"
	"slices"

	"github.com/boltzmann-go/boltzmann/dataset"
	"gonum.org/v1/gonum/mat"
)

// LogReg is multinomial (softmax) logistic regression with an L2 penalty
// on the weights, scikit-learn's LogisticRegression(multi_class=
// 'multinomial'). The original project used the 'sag' solver with
// max_iter=800 and random_state=1337; this type minimises the same
// objective with a deterministic solver, so it needs no seed.
//
// For training rows x_i with labels y_i, weights W (one row per class)
// and intercepts b, Fit minimises
//
//	L(W, b) = Σ_i −log softmax(W x_i + b)_{y_i} + ½‖W‖²/C
//
// (the intercepts are not penalised) by gonum's L-BFGS (optimize.LBFGS,
// memory 10) on the full batch, starting from zero, with the analytic gradient
// ∇_W = (P − Y)ᵀX + W/C, ∇_b = Σ_i (p_i − y_i), where P holds the softmax
// probabilities and Y the one-hot labels. Both matrix
// products are BLAS calls and the softmax runs on all CPUs in blocks of
// fixed size, so the result is the same on every machine.
//
// Classes that do not occur in the training labels get probability 0.
type LogReg struct {
	// C is the inverse regularisation strength, as in scikit-learn; 0
	// means 1.
	C float64
	// MaxIter is the maximum number of L-BFGS iterations; 0 means 800.
	MaxIter int
	// Tol stops the iterations when every component of the gradient of
	// L/n (n = number of rows) is below Tol in absolute value, the test
	// of scikit-learn's lbfgs solver; 0 means 1e-4. Fit also stops when
	// L/n decreases by less than 64 ulps in an iteration.
	Tol float64
	// Classes is the number of classes; 0 means max(y)+1 of the training
	// labels. Scores has this many columns.
	Classes int

	cols       int
	labels     labelSet
	w          []float64 // len(present)×cols, row-major
	b          []float64 // len(present)
	iterations int
	converged  bool
}

// logRegBlock is the number of rows per block of the parallel softmax.
const logRegBlock = 512

// defaults returns C, MaxIter and Tol with zero values replaced by their
// defaults, or an ErrArgument error.
func (m *LogReg) defaults(what string) (c float64, maxIter int, tol float64, err error) {
	c, maxIter, tol = m.C, m.MaxIter, m.Tol
	if c == 0 {
		c = 1
	}
	if maxIter == 0 {
		maxIter = 800
	}
	if tol == 0 {
		tol = 1e-4
	}
	if err := checkC(what, "C", c); err != nil {
		return 0, 0, 0, err
	}
	if maxIter < 0 {
		return 0, 0, 0, fmt.Errorf("%s: MaxIter = %d, want ≥ 0: %w", what, maxIter, ErrArgument)
	}
	if !(tol > 0) || math.IsInf(tol, 1) {
		return 0, 0, 0, fmt.Errorf("%s: Tol = %g, want a positive number: %w", what, tol, ErrArgument)
	}
	return c, maxIter, tol, nil
}

// Fit minimises the penalised cross-entropy on x and y. It needs at least
// two classes in y. Reaching MaxIter is not an error; see Converged.
func (m *LogReg) Fit(x *dataset.Matrix[float64], y []int) error {
	const what = "classify: logreg fit"
	c, maxIter, tol, err := m.defaults(what)
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
	obj := newSoftmaxLoss(x, y, ls, c)
	res := minimize(obj.valueGrad, make([]float64, obj.dim()), maxIter, tol, 64*epsilon)
	kp := len(ls.present)
	m.cols, m.labels = x.Cols, ls
	m.w = slices.Clone(res.x[:kp*x.Cols])
	m.b = slices.Clone(res.x[kp*x.Cols:])
	m.iterations, m.converged = res.iterations, res.converged
	return nil
}

// epsilon is the float64 machine epsilon, 2⁻⁵².
const epsilon = 0x1p-52

// Iterations returns the number of L-BFGS iterations of the last Fit.
func (m *LogReg) Iterations() int { return m.iterations }

// Converged reports whether the last Fit met its convergence test before
// MaxIter iterations.
func (m *LogReg) Converged() bool { return m.converged }

// Predict returns the class of largest probability for each row of x.
func (m *LogReg) Predict(x *dataset.Matrix[float64]) ([]int, error) {
	z, err := m.logits("classify: logreg predict", x)
	if err != nil {
		return nil, err
	}
	kp := len(m.labels.present)
	pred := make([]int, x.Rows)
	for i := range pred {
		pred[i] = m.labels.present[argmax(z[i*kp:(i+1)*kp])]
	}
	return pred, nil
}

// Scores returns the x.Rows×Classes matrix of class probabilities.
func (m *LogReg) Scores(x *dataset.Matrix[float64]) (*dataset.Matrix[float64], error) {
	z, err := m.logits("classify: logreg scores", x)
	if err != nil {
		return nil, err
	}
	kp, k := len(m.labels.present), m.labels.k
	out := dataset.NewMatrix[float64](x.Rows, k)
	parallelRange(x.Rows, logRegBlock, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			zi := z[i*kp : (i+1)*kp]
			softmax(zi)
			for q, c := range m.labels.present {
				out.Data[i*k+c] = zi[q]
			}
		}
	})
	return out, nil
}

// logits returns the row-major x.Rows×len(present) matrix W x_i + b.
func (m *LogReg) logits(what string, x *dataset.Matrix[float64]) ([]float64, error) {
	if m.w == nil {
		return nil, fmt.Errorf("%s: %w", what, ErrNotFitted)
	}
	if err := checkCols(what, x, m.cols); err != nil {
		return nil, err
	}
	kp := len(m.labels.present)
	z := mat.NewDense(x.Rows, kp, nil)
	z.Mul(mat.NewDense(x.Rows, x.Cols, x.Data), mat.NewDense(kp, x.Cols, m.w).T())
	raw := z.RawMatrix().Data
	for i := range x.Rows {
		for q := range kp {
			raw[i*kp+q] += m.b[q]
		}
	}
	return raw, nil
}

// softmax replaces z by softmax(z) and returns log Σ exp(z) of the input.
func softmax(z []float64) float64 {
	hi := math.Inf(-1)
	for _, v := range z {
		hi = max(hi, v)
	}
	s := 0.0
	for q, v := range z {
		z[q] = math.Exp(v - hi)
		s += z[q]
	}
	for q := range z {
		z[q] /= s
	}
	return hi + math.Log(s)
}

// softmaxLoss is the objective L/n of LogReg as a function of the
// parameter vector θ = (W row-major, b).
type softmaxLoss struct {
	x      *mat.Dense
	n, d   int
	kp     int
	y      []int // indices into the present classes
	c      float64
	z      *mat.Dense // n×kp logits, then P − Y
	blockL []float64  // per-block loss sums
	blockG [][]float64

	f    float64
	grad []float64
}

// newSoftmaxLoss returns the LogReg objective for x, y and C.
func newSoftmaxLoss(x *dataset.Matrix[float64], y []int, ls labelSet, c float64) *softmaxLoss {
	kp := len(ls.present)
	yi := make([]int, len(y))
	for i, l := range y {
		yi[i] = ls.index[l]
	}
	nb := (x.Rows + logRegBlock - 1) / logRegBlock
	s := &softmaxLoss{
		x: mat.NewDense(x.Rows, x.Cols, x.Data), n: x.Rows, d: x.Cols, kp: kp, y: yi, c: c,
		z:      mat.NewDense(x.Rows, kp, nil),
		blockL: make([]float64, nb),
		blockG: make([][]float64, nb),
	}
	for b := range s.blockG {
		s.blockG[b] = make([]float64, kp)
	}
	return s
}

// dim returns the number of parameters, kp·d + kp.
func (s *softmaxLoss) dim() int { return s.kp*s.d + s.kp }

// valueGrad returns L(θ)/n and stores its gradient in grad.
func (s *softmaxLoss) valueGrad(theta, grad []float64) float64 {
	s.eval(theta)
	copy(grad, s.grad)
	return s.f
}

// eval computes L/n and its gradient at θ into s.f and s.grad.
func (s *softmaxLoss) eval(theta []float64) {
	kp, d, n := s.kp, s.d, s.n
	w := mat.NewDense(kp, d, theta[:kp*d])
	b := theta[kp*d:]
	s.z.Mul(s.x, w.T())
	z := s.z.RawMatrix().Data
	parallelRange(n, logRegBlock, func(lo, hi int) {
		blk := lo / logRegBlock
		loss, gb := 0.0, s.blockG[blk]
		clear(gb)
		for i := lo; i < hi; i++ {
			zi := z[i*kp : (i+1)*kp]
			for q := range zi {
				zi[q] += b[q]
			}
			target := zi[s.y[i]]
			loss += softmax(zi) - target
			zi[s.y[i]]--
			for q, v := range zi {
				gb[q] += v
			}
		}
		s.blockL[blk] = loss
	})
	loss := 0.0
	if s.grad == nil {
		s.grad = make([]float64, s.dim())
	}
	gradB := s.grad[kp*d:]
	clear(gradB)
	for blk, l := range s.blockL {
		loss += l
		for q, v := range s.blockG[blk] {
			gradB[q] += v
		}
	}
	gradW := mat.NewDense(kp, d, s.grad[:kp*d])
	gradW.Mul(s.z.T(), s.x)
	penalty := 0.0
	inv := 1 / float64(n)
	for j, v := range theta[:kp*d] {
		penalty += v * v
		s.grad[j] = s.grad[j]*inv + v/(s.c*float64(n))
	}
	for q := range gradB {
		gradB[q] *= inv
	}
	s.f = (loss + 0.5*penalty/s.c) * inv
}

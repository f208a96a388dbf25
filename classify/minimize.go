package classify

import (
	"slices"

	"gonum.org/v1/gonum/optimize"
)

// minimizeResult is the outcome of minimize: the last point, the number of major iterations,
// and whether a convergence test (not the iteration limit or a failed line search) stopped them.
type minimizeResult struct {
	x          []float64
	iterations int
	converged  bool
}

// minimize minimises a smooth function with gonum's L-BFGS (memory 10, its default line
// search). fg(x, grad) returns f(x) and stores ∇f(x) in grad; each point is evaluated once,
// although gonum asks for the value and the gradient separately. It stops, converged, when
// ‖∇f‖∞ ≤ gtol or when f has improved by at most ftol·|f| over one iteration (the tests of
// SciPy's L-BFGS-B, which scikit-learn's lbfgs solver uses with ftol = 64·eps); not converged
// after maxIter iterations. It is deterministic: the same inputs give the same bits.
func minimize(fg func(x, grad []float64) float64, x0 []float64, maxIter int, gtol, ftol float64) minimizeResult {
	var lastX, lastG []float64
	var lastF float64
	at := func(x []float64) {
		if lastX != nil && slices.Equal(x, lastX) {
			return
		}
		lastX = append(lastX[:0], x...)
		if lastG == nil {
			lastG = make([]float64, len(x))
		}
		lastF = fg(x, lastG)
	}
	p := optimize.Problem{
		Func: func(x []float64) float64 { at(x); return lastF },
		Grad: func(grad, x []float64) { at(x); copy(grad, lastG) },
	}
	settings := &optimize.Settings{
		GradientThreshold: gtol,
		MajorIterations:   maxIter,
		Converger:         &optimize.FunctionConverge{Relative: ftol, Iterations: 1},
	}
	res, err := optimize.Minimize(p, x0, settings, &optimize.LBFGS{Store: 10})
	out := minimizeResult{x: x0}
	if res != nil {
		out.x, out.iterations = res.X, res.Stats.MajorIterations
		switch res.Status {
		case optimize.GradientThreshold, optimize.FunctionConvergence:
			out.converged = err == nil
		}
	}
	return out
}

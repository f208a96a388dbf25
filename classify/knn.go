package classify

import (
	"fmt"
	"math"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// KNN is a brute-force k-nearest-neighbours classifier with Euclidean
// distance, scikit-learn's KNeighborsClassifier(algorithm='brute', p=2).
// The original project used K = 3 and Weights = "distance".
//
// Fit stores a copy of the training set. Predict computes, for a block of
// test rows at a time, the squared distances ‖a‖² + ‖b‖² − 2a·b to every
// training row with one BLAS matrix product (the block is sized so that it
// holds at most about 200 MB of float64), picks the nearest rows on all
// CPUs, recomputes their distances exactly and votes.
//
// With Weights "distance" each neighbour votes 1/d; if some neighbours are
// at distance 0 (exact copies of the test row; in general, where 1/d
// overflows to +Inf), only they vote, one vote each, as in scikit-learn. With "uniform" each neighbour votes 1. The
// class with the largest vote wins, the smallest class on ties. Neighbours
// at equal distance are taken in training-row order.
type KNN struct {
	// K is the number of neighbours; it must be positive and at most the
	// number of training rows.
	K int
	// Weights is "uniform" (the default when empty) or "distance".
	Weights string
	// Classes is the number of classes; 0 means max(y)+1 of the training
	// labels. Scores has this many columns.
	Classes int
	// Progress, if not nil, is called from the calling goroutine after
	// each block of test rows with the number of rows done and the total.
	Progress func(done, total int)

	train  *dataset.Matrix[float64]
	norms  []float64
	y      []int
	labels labelSet
}

// Fit checks its arguments and stores a copy of x and y.
func (m *KNN) Fit(x *dataset.Matrix[float64], y []int) error {
	const what = "classify: knn fit"
	if err := m.checkParams(what); err != nil {
		return err
	}
	ls, err := checkFit(what, x, y, m.Classes)
	if err != nil {
		return err
	}
	if m.K > x.Rows {
		return fmt.Errorf("%s: K = %d exceeds the %d training rows: %w", what, m.K, x.Rows, ErrArgument)
	}
	m.train = &dataset.Matrix[float64]{Rows: x.Rows, Cols: x.Cols, Data: append([]float64(nil), x.Data...)}
	m.norms = rowNorms(m.train)
	m.y = append([]int(nil), y...)
	m.labels = ls
	return nil
}

// checkParams validates K and Weights.
func (m *KNN) checkParams(what string) error {
	if m.K <= 0 {
		return fmt.Errorf("%s: K = %d, want a positive number of neighbours: %w", what, m.K, ErrArgument)
	}
	switch m.Weights {
	case "", "uniform", "distance":
	default:
		return fmt.Errorf("%s: Weights = %q, want \"uniform\" or \"distance\": %w", what, m.Weights, ErrArgument)
	}
	return nil
}

// Predict returns the majority (or distance-weighted) class among the K
// nearest training rows of each row of x.
func (m *KNN) Predict(x *dataset.Matrix[float64]) ([]int, error) {
	votes, err := m.votes("classify: knn predict", x)
	if err != nil {
		return nil, err
	}
	k := m.labels.k
	pred := make([]int, x.Rows)
	for i := range pred {
		pred[i] = argmax(votes[i*k : (i+1)*k])
	}
	return pred, nil
}

// Scores returns the x.Rows×Classes matrix of vote shares: entry (i, c) is
// the (weighted) vote of class c among the neighbours of row i divided by
// the total vote, scikit-learn's predict_proba.
func (m *KNN) Scores(x *dataset.Matrix[float64]) (*dataset.Matrix[float64], error) {
	votes, err := m.votes("classify: knn scores", x)
	if err != nil {
		return nil, err
	}
	k := m.labels.k
	for i := range x.Rows {
		row := votes[i*k : (i+1)*k]
		s := 0.0
		for _, v := range row {
			s += v
		}
		for c := range row {
			row[c] /= s
		}
	}
	return &dataset.Matrix[float64]{Rows: x.Rows, Cols: k, Data: votes}, nil
}

// votes returns the row-major x.Rows×Classes matrix of votes.
func (m *KNN) votes(what string, x *dataset.Matrix[float64]) ([]float64, error) {
	if m.train == nil {
		return nil, fmt.Errorf("%s: %w", what, ErrNotFitted)
	}
	if err := m.checkParams(what); err != nil {
		return nil, err
	}
	if m.K > m.train.Rows {
		return nil, fmt.Errorf("%s: K = %d exceeds the %d training rows: %w", what, m.K, m.train.Rows, ErrArgument)
	}
	if err := checkCols(what, x, m.train.Cols); err != nil {
		return nil, err
	}
	idx, dist := nearest(m.train, m.norms, x, m.K, m.Progress)
	k := m.labels.k
	votes := make([]float64, x.Rows*k)
	for i := range x.Rows {
		nb, d := idx[i*m.K:(i+1)*m.K], dist[i*m.K:(i+1)*m.K]
		row := votes[i*k : (i+1)*k]
		switch {
		case m.Weights != "distance":
			for _, j := range nb {
				row[m.y[j]]++
			}
		case math.IsInf(1/d[0], 1): // sorted, so this holds iff some 1/d is infinite
			for q, j := range nb {
				if math.IsInf(1/d[q], 1) {
					row[m.y[j]]++
				}
			}
		default:
			for q, j := range nb {
				row[m.y[j]] += 1 / d[q]
			}
		}
	}
	return votes, nil
}

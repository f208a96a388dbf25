package classify

import "github.com/boltzmann-go/boltzmann/dataset"

// Classifier is a supervised classifier: Fit learns from the rows of x and
// their labels y (y[i] is the class of row i, in 0..K-1), and Predict
// returns one label per row of x. Fit may be called again to refit.
type Classifier interface {
	Fit(x *dataset.Matrix[float64], y []int) error
	Predict(x *dataset.Matrix[float64]) ([]int, error)
}

// Prober is a Classifier that also scores every class. Scores returns an
// n×K matrix whose row i holds the scores of row i of x for classes
// 0..K-1; Predict returns the first largest score of each row. KNN and
// LogReg give probabilities (each row sums to 1), LinearSVC gives decision
// values.
type Prober interface {
	Classifier
	Scores(x *dataset.Matrix[float64]) (*dataset.Matrix[float64], error)
}

// FeatureMap is a feature transformation learnt from data, such as the
// kernel approximations RFF and Nystroem: Fit learns the map from the rows
// of x, and Transform maps the rows of a matrix with the same number of
// columns.
type FeatureMap interface {
	Fit(x *dataset.Matrix[float64]) error
	Transform(x *dataset.Matrix[float64]) (*dataset.Matrix[float64], error)
}

// Compile-time checks that the types implement the interfaces.
var (
	_ Prober     = (*KNN)(nil)
	_ Prober     = (*LogReg)(nil)
	_ Classifier = (*SVC)(nil)
	_ Prober     = (*LinearSVC)(nil)
	_ Classifier = (*Pipeline)(nil)
	_ FeatureMap = (*RFF)(nil)
	_ FeatureMap = (*Nystroem)(nil)
)

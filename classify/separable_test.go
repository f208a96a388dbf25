package classify

import "testing"

// classifiers returns a fresh instance of every classifier of the package
// with the original project's settings where they exist, for tests that
// run them all.
func classifiers() map[string]Classifier {
	return map[string]Classifier{
		"knn":      &KNN{K: 3, Weights: "distance"},
		"logreg":   &LogReg{},
		"svc":      &SVC{C: 1e3, Tol: 1e-6},
		"linear":   &LinearSVC{Seed: 1},
		"rff":      &Pipeline{Map: &RFF{Dim: 300, Seed: 1}, Classifier: &LinearSVC{Seed: 1}},
		"nystroem": &Pipeline{Map: &Nystroem{Dim: 100, Seed: 1}, Classifier: &LinearSVC{Seed: 1}},
	}
}

// TestSeparable checks that every classifier makes no error, on the
// training set or on a fresh test set, when four classes lie in disjoint
// cubes whose one-vs-rest separation has margin ≥ 2 (see blobs).
func TestSeparable(t *testing.T) {
	xTrain, yTrain := blobs(400, 6, 4, 5, 1)
	xTest, yTest := blobs(400, 6, 4, 5, 2)
	for name, c := range classifiers() {
		t.Run(name, func(t *testing.T) {
			if err := c.Fit(xTrain, yTrain); err != nil {
				t.Fatalf("Fit: %v", err)
			}
			if e := errorRate(t, c, xTrain, yTrain); e != 0 {
				t.Errorf("training error %g, want 0", e)
			}
			if e := errorRate(t, c, xTest, yTest); e != 0 {
				t.Errorf("test error %g, want 0", e)
			}
		})
	}
}

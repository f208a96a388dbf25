package pipeline

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
)

// Classify fits classifiers to features and tests them (bm classify, the original's notebook):
// the raw pixels of an MNIST or CIFAR-10 folder, a model's hidden features of them, or
// features read from .npy files. The zero value of every field is its documented default.
type Classify struct {
	// Model, if set, is the RBM or DBM whose features of Data's images are classified, of its
	// hidden layer Layer (Features.Layer).
	Model, Layer string
	// Data is an MNIST or CIFAR-10 folder: all its training images to fit, its test images to
	// test. Empty means "data/mnist".
	Data string
	// Features, Labels, TestFeatures and TestLabels, if Features is set, are .npy files of the
	// training and test features and labels, instead of Model and Data.
	Features, Labels, TestFeatures, TestLabels string
	// Classifiers are run in this order: "knn", "logreg", "svm" (exact RBF SVC), "svm-rff" (random
	// Fourier features + linear SVM). Nil means knn, logreg and svm-rff.
	Classifiers []string
	// TrainRows fits on the first TrainRows training rows only. Zero means all.
	TrainRows int
	// KNNK is k-NN's neighbours (distance-weighted). Zero means 3.
	KNNK int
	// LogRegC and LogRegMaxIter are logistic regression's inverse L2 strength and most L-BFGS
	// iterations. Zero means 1 and 800.
	LogRegC       float64
	LogRegMaxIter int
	// SVMC, SVMGamma and SVMTol are the SVM's C, RBF width (also of the random features) and
	// tolerance. Zero means 1e3, 1/features and 1e-6.
	SVMC, SVMGamma, SVMTol float64
	// RFFDim and RFFC are svm-rff's random features and the linear SVM's C. Zero means 4000
	// and 10.
	RFFDim int
	RFFC   float64
	// Seed seeds the random features and the linear SVM's shuffles. Zero means 1337; ZeroSeed
	// seeds them with 0.
	Seed     uint64
	ZeroSeed bool
	// Out is the folder of confusion_<classifier>.png and results.json. Empty means
	// "runs/classify".
	Out string
	// Placement says where the model runs.
	Placement Placement
}

// ClassifyResult is one classifier's measurement, as results.json holds it.
type ClassifyResult struct {
	Classifier string   `json:"classifier"`
	TrainRows  int      `json:"train_rows"`
	TrainError *float64 `json:"train_error"`
	TestError  float64  `json:"test_error"`
	FitSeconds float64  `json:"fit_seconds"`
	Note       string   `json:"note,omitempty"`
}

// withDefaults returns f with every zero field replaced by its default.
func (f Classify) withDefaults() Classify {
	f.Data, f.Out = cmp.Or(f.Data, "data/mnist"), cmp.Or(f.Out, "runs/classify")
	f.Classifiers = orSlice(f.Classifiers, []string{"knn", "logreg", "svm-rff"})
	f.KNNK, f.LogRegC, f.LogRegMaxIter = cmp.Or(f.KNNK, 3), cmp.Or(f.LogRegC, 1), cmp.Or(f.LogRegMaxIter, 800)
	f.SVMC, f.SVMTol, f.RFFDim, f.RFFC = cmp.Or(f.SVMC, 1e3), cmp.Or(f.SVMTol, 1e-6), cmp.Or(f.RFFDim, 4000), cmp.Or(f.RFFC, 10)
	if f.Seed == 0 && !f.ZeroSeed {
		f.Seed = 1337
	}
	return f
}

// Load returns the training and test features and labels the settings select.
func (f *Classify) Load(h Hooks) (x, xt *dataset.Matrix[float64], y, yt []int, err error) {
	if f.Features != "" {
		if x, err = dataset.ReadNPY[float64](f.Features); err != nil {
			return
		}
		if xt, err = dataset.ReadNPY[float64](f.TestFeatures); err != nil {
			return
		}
		if y, err = dataset.ReadNPYLabels(f.Labels); err != nil {
			return
		}
		yt, err = dataset.ReadNPYLabels(f.TestLabels)
		return
	}
	tr, y, err := ReadLabeledSet(f.Data, false)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	te, yt, err := ReadLabeledSet(f.Data, true)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if f.Model != "" {
		fs := Features{Layer: f.Layer, GPU: f.Placement.GPU, Target: f.Placement.Target, Threads: f.Placement.Threads}
		ft, err := fs.Open(f.Model, h)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		defer ft.Close()
		for _, p := range []**dataset.Matrix[float32]{&tr, &te} {
			bar := h.startEpochs(0, 1, (*p).Rows)
			h, err := ft.Transform(*p, func(done, total int) { bar.Batch(1, done, total) })
			bar.Finish()
			if err != nil {
				return nil, nil, nil, nil, err
			}
			*p = h
		}
		h.logf("features of %s: %d columns", f.Model, tr.Cols)
	}
	return dataset.Convert[float64](tr), dataset.Convert[float64](te), y, yt, nil
}

// Run fits and tests every classifier, writing <Out>/results.json after each and its
// confusion matrix, and returns their measurements.
func (f Classify) Run(h Hooks) ([]ClassifyResult, error) {
	f = f.withDefaults()
	x, xt, y, yt, err := f.Load(h)
	if err != nil {
		return nil, err
	}
	if len(y) != x.Rows || len(yt) != xt.Rows {
		return nil, fmt.Errorf("%d training rows with %d labels, %d test rows with %d labels", x.Rows, len(y), xt.Rows, len(yt))
	}
	if x.Cols != xt.Cols {
		return nil, fmt.Errorf("training features have %d columns, test features %d", x.Cols, xt.Cols)
	}
	k, err := f.classes(y, yt)
	if err != nil {
		return nil, err
	}
	if f.TrainRows > 0 && f.TrainRows < x.Rows {
		x, y = x.SliceRows(0, f.TrainRows), y[:f.TrainRows]
	}
	if err := os.MkdirAll(f.Out, 0o755); err != nil {
		return nil, err
	}
	var results []ClassifyResult
	for _, name := range f.Classifiers {
		r, err := f.one(name, x, xt, y, yt, k, h)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		results = append(results, *r)
		b, _ := json.MarshalIndent(results, "", "  ")
		if err := atomicfile.WriteFile(filepath.Join(f.Out, "results.json"), append(b, '\n')); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// classes checks the training labels y and the test labels yt and returns the number of
// classes, the largest training label + 1. A label outside 0…classify.MaxClasses−1, or a test
// label that is not a class of the training labels, is an error naming its file and row: a
// single corrupt label (1,000,000) would otherwise size every classifier's per-class arrays
// and a confusion matrix of 10¹² counts.
func (f *Classify) classes(y, yt []int) (int, error) {
	trainFrom, testFrom := f.Labels, f.TestLabels
	if f.Features == "" {
		trainFrom, testFrom = f.Data+" (training labels)", f.Data+" (test labels)"
	}
	k := 0
	for i, v := range y {
		if v < 0 || v >= classify.MaxClasses {
			return 0, fmt.Errorf("%s: label %d of row %d is outside 0…%d (at most %d classes)", trainFrom, v, i, classify.MaxClasses-1, classify.MaxClasses)
		}
		k = max(k, v+1)
	}
	for i, v := range yt {
		if v < 0 || v >= k {
			return 0, fmt.Errorf("%s: label %d of row %d is not a class of the training labels (0…%d)", testFrom, v, i, k-1)
		}
	}
	return k, nil
}

// one fits and tests one classifier, prints its errors and draws its confusion matrix.
func (f *Classify) one(name string, x, xt *dataset.Matrix[float64], y, yt []int, k int, h Hooks) (*ClassifyResult, error) {
	var c classify.Classifier
	trainErr := true
	bar := h.startEpochs(0, 1, 1)
	progress := func(done, total int) { bar.Batch(1, done*1000/max(total, 1), 1000) }
	switch name {
	case "knn":
		c = &classify.KNN{K: f.KNNK, Weights: "distance", Classes: k, Progress: progress}
		trainErr = false // 0 by construction: each training row is its own nearest neighbour
	case "logreg":
		c = &classify.LogReg{C: f.LogRegC, MaxIter: f.LogRegMaxIter, Classes: k}
	case "svm":
		c = &classify.SVC{C: f.SVMC, Gamma: f.SVMGamma, Tol: f.SVMTol, Classes: k, Progress: progress}
	case "svm-rff":
		c = &classify.Pipeline{Map: &classify.RFF{Dim: f.RFFDim, Gamma: f.SVMGamma, Seed: f.Seed},
			Classifier: &classify.LinearSVC{C: f.RFFC, Seed: f.Seed, Classes: k}}
	}
	h.logf("%s: fitting on %d rows × %d features", name, x.Rows, x.Cols)
	start := time.Now()
	if err := c.Fit(x, y); err != nil {
		bar.Finish()
		return nil, err
	}
	res := &ClassifyResult{Classifier: name, TrainRows: x.Rows, FitSeconds: time.Since(start).Seconds()}
	pred, err := c.Predict(xt)
	bar.Finish()
	if err != nil {
		return nil, err
	}
	if res.TestError, err = classify.ErrorRate(pred, yt); err != nil {
		return nil, err
	}
	line := fmt.Sprintf("%s: test error %.2f %%", name, 100*res.TestError)
	if trainErr {
		p, err := c.Predict(x)
		if err != nil {
			return nil, err
		}
		e, err := classify.ErrorRate(p, y)
		if err != nil {
			return nil, err
		}
		res.TrainError = &e
		line += fmt.Sprintf(", train error %.2f %%", 100*e)
	} else {
		res.Note = "train error is 0 by construction (distance weights)"
	}
	if lr, ok := c.(*classify.LogReg); ok {
		res.Note = fmt.Sprintf("%d L-BFGS iterations, converged %v", lr.Iterations(), lr.Converged())
	}
	if s, ok := c.(*classify.SVC); ok {
		res.Note = fmt.Sprintf("%d support vectors, converged %v", s.NumSupport(), s.Converged())
	}
	h.logf("%s (fit %.1f s)", line, res.FitSeconds)
	conf, err := classify.Confusion(pred, yt, k)
	if err != nil {
		return nil, err
	}
	png := filepath.Join(f.Out, "confusion_"+name+".png")
	if err := classify.ConfusionPNG(png, fmt.Sprintf("%s: test error %.2f %% (rows: true class, columns: predicted)", name, 100*res.TestError), conf, k); err != nil {
		return nil, err
	}
	return res, nil
}

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/pipeline"
)

// classifyFlags are the flags of bm classify.
type classifyFlags struct {
	model, data, layer       string
	features, labels         string
	testFeatures, testLabels string
	classifiers              string
	trainRows                int
	knnK                     int
	logregC                  float64
	logregIter               int
	svmC, svmGamma, svmTol   float64
	rffDim                   int
	rffC                     float64
	seed                     uint64
	out                      string
	quiet                    bool
	dev                      device
}

func (f *classifyFlags) flagSet() *flag.FlagSet {
	fs := newFlagSet("classify", "bm classify (-model DIR -data MNIST | -data MNIST | -features F -labels L -test-features F -test-labels L) [flags]")
	fs.StringVar(&f.model, "model", "", "RBM or DBM whose features to classify (model folder, or run folder holding model/); empty: raw pixels of -data")
	fs.StringVar(&f.data, "data", "data/mnist", "MNIST or CIFAR-10 folder: all its training images to fit, its test images to test (the original's notebook)")
	fs.StringVar(&f.layer, "layer", "top", "DBM: hidden layer of the features (1, 2, …), top, or all")
	f.dev.register(fs, "nothing is split")
	fs.StringVar(&f.features, "features", "", "training features (.npy, e.g. from bm transform) instead of -model/-data")
	fs.StringVar(&f.labels, "labels", "", "training labels (.npy) for -features")
	fs.StringVar(&f.testFeatures, "test-features", "", "test features (.npy) for -features")
	fs.StringVar(&f.testLabels, "test-labels", "", "test labels (.npy) for -features")
	fs.StringVar(&f.classifiers, "classifier", "knn,logreg,svm-rff", "classifiers, comma-separated: knn, logreg, svm (exact RBF SVC), svm-rff (RFF + linear SVM), all")
	fs.IntVar(&f.trainRows, "train-rows", 0, "fit on the first N training rows only (0: all); the exact SVM on 60,000 rows takes hours")
	fs.IntVar(&f.knnK, "knn-k", 3, "k-NN: neighbours (distance-weighted, Euclidean), as the original's notebook")
	fs.Float64Var(&f.logregC, "logreg-c", 1, "logistic regression: inverse L2 strength C (scikit-learn's)")
	fs.IntVar(&f.logregIter, "logreg-max-iter", 800, "logistic regression: maximum L-BFGS iterations (the original: 800)")
	fs.Float64Var(&f.svmC, "svm-c", 1e3, "SVM: C (the original: 1e3)")
	fs.Float64Var(&f.svmGamma, "svm-gamma", 0, "SVM: RBF width γ (0: 1/n_features, the original's scikit-learn default)")
	fs.Float64Var(&f.svmTol, "svm-tol", 1e-6, "SVM: stopping tolerance on the KKT violation (the original's 1e-6)")
	fs.IntVar(&f.rffDim, "rff-dim", 4000, "svm-rff: random Fourier features")
	fs.Float64Var(&f.rffC, "rff-c", 10, "svm-rff: C of the linear SVM on the random features (10 matched the exact SVM on 10,000 MNIST RBM features)")
	fs.Uint64Var(&f.seed, "seed", 1337, "seed of the random features and the linear SVM's shuffles")
	fs.StringVar(&f.out, "out", "runs/classify", "folder for confusion_<classifier>.png and results.json")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bars")
	return fs
}

func cmdClassify(args []string) int {
	var f classifyFlags
	return command("classify", f.flagSet(), args, func() error { return runClassify(&f) })
}

// classifyResult is one classifier's measurement.
type classifyResult struct {
	Classifier string   `json:"classifier"`
	TrainRows  int      `json:"train_rows"`
	TrainError *float64 `json:"train_error"`
	TestError  float64  `json:"test_error"`
	FitSeconds float64  `json:"fit_seconds"`
	Note       string   `json:"note,omitempty"`
}

func (f *classifyFlags) check() ([]string, error) {
	if err := f.dev.check(); err != nil {
		return nil, err
	}
	names := strings.Split(f.classifiers, ",")
	if f.classifiers == "all" {
		names = []string{"knn", "logreg", "svm", "svm-rff"}
	}
	for _, n := range names {
		switch n {
		case "knn", "logreg", "svm", "svm-rff":
		default:
			return nil, flagErr("classifier", "%q, want knn, logreg, svm, svm-rff or all", n)
		}
	}
	switch {
	case f.trainRows < 0:
		return nil, flagErr("train-rows", "%d, want ≥ 0", f.trainRows)
	case f.knnK <= 0:
		return nil, flagErr("knn-k", "%d, want > 0", f.knnK)
	case !(f.logregC > 0):
		return nil, flagErr("logreg-c", "%g, want > 0", f.logregC)
	case f.logregIter <= 0:
		return nil, flagErr("logreg-max-iter", "%d, want > 0", f.logregIter)
	case !(f.svmC > 0):
		return nil, flagErr("svm-c", "%g, want > 0", f.svmC)
	case !(f.svmGamma >= 0):
		return nil, flagErr("svm-gamma", "%g, want ≥ 0", f.svmGamma)
	case !(f.svmTol > 0):
		return nil, flagErr("svm-tol", "%g, want > 0", f.svmTol)
	case f.rffDim <= 0:
		return nil, flagErr("rff-dim", "%d, want > 0", f.rffDim)
	case !(f.rffC > 0):
		return nil, flagErr("rff-c", "%g, want > 0", f.rffC)
	}
	if f.features != "" && f.model != "" {
		return nil, flagErr("model", "%q beside -features: the features are read from -features, the model would be ignored; give one of them", f.model)
	}
	if f.features != "" && (f.labels == "" || f.testFeatures == "" || f.testLabels == "") {
		return nil, flagErr("features", "needs -labels, -test-features and -test-labels")
	}
	return names, nil
}

// load returns the training and test features and labels the flags select.
func (f *classifyFlags) load() (x, xt *dataset.Matrix[float64], y, yt []int, err error) {
	if f.features != "" {
		if x, err = dataset.ReadNPY[float64](f.features); err != nil {
			return
		}
		if xt, err = dataset.ReadNPY[float64](f.testFeatures); err != nil {
			return
		}
		if y, err = dataset.ReadNPYLabels(f.labels); err != nil {
			return
		}
		yt, err = dataset.ReadNPYLabels(f.testLabels)
		return
	}
	tr, y, err := pipeline.ReadLabeledSet(f.data, false)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	te, yt, err := pipeline.ReadLabeledSet(f.data, true)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if f.model != "" {
		ft, err := openFeaturizer(f.model, f.layer, &f.dev)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		defer ft.Close()
		for _, p := range []**dataset.Matrix[float32]{&tr, &te} {
			bar := newProgress(f.quiet, 0, 1, (*p).Rows)
			h, err := ft.Transform(*p, func(done, total int) { bar.Batch(1, done, total) })
			bar.Finish()
			if err != nil {
				return nil, nil, nil, nil, err
			}
			*p = h
		}
		log.Printf("features of %s: %d columns", f.model, tr.Cols)
	}
	return dataset.Convert[float64](tr), dataset.Convert[float64](te), y, yt, nil
}

func runClassify(f *classifyFlags) error {
	names, err := f.check()
	if err != nil {
		return err
	}
	x, xt, y, yt, err := f.load()
	if err != nil {
		return err
	}
	if len(y) != x.Rows || len(yt) != xt.Rows {
		return fmt.Errorf("%d training rows with %d labels, %d test rows with %d labels", x.Rows, len(y), xt.Rows, len(yt))
	}
	if x.Cols != xt.Cols {
		return fmt.Errorf("training features have %d columns, test features %d", x.Cols, xt.Cols)
	}
	k, err := f.classes(y, yt)
	if err != nil {
		return err
	}
	if f.trainRows > 0 && f.trainRows < x.Rows {
		x, y = x.SliceRows(0, f.trainRows), y[:f.trainRows]
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return err
	}
	var results []classifyResult
	for _, name := range names {
		r, err := f.one(name, x, xt, y, yt, k)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		results = append(results, *r)
		b, _ := json.MarshalIndent(results, "", "  ")
		if err := atomicfile.WriteFile(filepath.Join(f.out, "results.json"), append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}

// classes checks the training labels y and the test labels yt and returns the number of
// classes, the largest training label + 1. A label outside 0…classify.MaxClasses−1, or a test
// label that is not a class of the training labels, is an error naming its file and row: a
// single corrupt label (1,000,000) would otherwise size every classifier's per-class arrays
// and a confusion matrix of 10¹² counts.
func (f *classifyFlags) classes(y, yt []int) (int, error) {
	trainFrom, testFrom := f.labels, f.testLabels
	if f.features == "" {
		trainFrom, testFrom = f.data+" (training labels)", f.data+" (test labels)"
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
func (f *classifyFlags) one(name string, x, xt *dataset.Matrix[float64], y, yt []int, k int) (*classifyResult, error) {
	var c classify.Classifier
	trainErr := true
	bar := newProgress(f.quiet, 0, 1, 1)
	progress := func(done, total int) { bar.Batch(1, done*1000/max(total, 1), 1000) }
	switch name {
	case "knn":
		c = &classify.KNN{K: f.knnK, Weights: "distance", Classes: k, Progress: progress}
		trainErr = false // 0 by construction: each training row is its own nearest neighbour
	case "logreg":
		c = &classify.LogReg{C: f.logregC, MaxIter: f.logregIter, Classes: k}
	case "svm":
		c = &classify.SVC{C: f.svmC, Gamma: f.svmGamma, Tol: f.svmTol, Classes: k, Progress: progress}
	case "svm-rff":
		c = &classify.Pipeline{Map: &classify.RFF{Dim: f.rffDim, Gamma: f.svmGamma, Seed: f.seed},
			Classifier: &classify.LinearSVC{C: f.rffC, Seed: f.seed, Classes: k}}
	}
	log.Printf("%s: fitting on %d rows × %d features", name, x.Rows, x.Cols)
	start := time.Now()
	if err := c.Fit(x, y); err != nil {
		bar.Finish()
		return nil, err
	}
	res := &classifyResult{Classifier: name, TrainRows: x.Rows, FitSeconds: time.Since(start).Seconds()}
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
	log.Printf("%s (fit %.1f s)", line, res.FitSeconds)
	conf, err := classify.Confusion(pred, yt, k)
	if err != nil {
		return nil, err
	}
	png := filepath.Join(f.out, "confusion_"+name+".png")
	if err := classify.ConfusionPNG(png, fmt.Sprintf("%s: test error %.2f %% (rows: true class, columns: predicted)", name, 100*res.TestError), conf, k); err != nil {
		return nil, err
	}
	return res, nil
}

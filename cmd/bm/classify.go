package main

import (
	"flag"
	"strings"

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
	return command("classify", f.flagSet(), args, func() error {
		names, err := f.check()
		if err != nil {
			return err
		}
		p, err := f.dev.placement()
		if err != nil {
			return err
		}
		s := pipeline.Classify{Model: f.model, Layer: f.layer, Data: f.data, Features: f.features, Labels: f.labels, TestFeatures: f.testFeatures,
			TestLabels: f.testLabels, Classifiers: names, TrainRows: f.trainRows, KNNK: f.knnK, LogRegC: f.logregC, LogRegMaxIter: f.logregIter,
			SVMC: f.svmC, SVMGamma: f.svmGamma, SVMTol: f.svmTol, RFFDim: f.rffDim, RFFC: f.rffC, Seed: f.seed, ZeroSeed: f.seed == 0, Out: f.out, Placement: p}
		_, err = s.Run(hooks(f.quiet))
		return err
	})
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

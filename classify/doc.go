// Package classify trains and evaluates classifiers on feature matrices,
// reproducing the scikit-learn classifiers of the original Python project
// (monsta-hd/boltzmann-machines), whose notebook classifies the hidden
// features of the RBMs and DBMs with k-NN, logistic regression and an RBF
// SVM. It is pure Go: the only dependencies are gonum (BLAS products,
// eigen-decomposition) and this module's dataset and picture packages.
//
// # Classifiers
//
// Every classifier implements Classifier (Fit, Predict); KNN, LogReg and
// LinearSVC also implement Prober (Scores). Inputs are
// *dataset.Matrix[float64] (one row per example) and labels []int in
// 0..K-1, where K is the Classes field or, when that is 0, the largest
// label plus 1; K is at most MaxClasses, and a larger label is refused
// with its row (ErrValue) before anything is sized by it.
//
//   - KNN: brute-force k-nearest neighbours with Euclidean distance,
//     KNeighborsClassifier(algorithm='brute', p=2); the notebook used
//     n_neighbors=3, weights='distance'. Distances come from BLAS products
//     on blocks of at most about 200 MB, on all CPUs.
//   - LogReg: multinomial logistic regression with an L2 penalty ½‖W‖²/C,
//     LogisticRegression(multi_class='multinomial'); the notebook used
//     solver='sag', max_iter=800, random_state=1337. LogReg minimises the
//     same objective by full-batch L-BFGS (gonum's optimize.LBFGS, with
//     scikit-learn's lbfgs stopping tests), deterministic.
//   - SVC: the exact RBF-kernel SVM, SVC(kernel='rbf') and LIBSVM's C-SVC
//     (Chang & Lin, "LIBSVM: a library for support vector machines", ACM
//     TIST 2011); the notebook used C=1e3, tol=1e-6 and γ = 1/n_features.
//     One-vs-one over class pairs, solved in parallel by SMO (Platt 1998)
//     with second-order working-set selection (Fan, Chen & Lin, JMLR 6,
//     2005), shrinking and an LRU kernel cache; prediction by votes.
//   - LinearSVC: the linear SVM with squared-hinge (default) or hinge
//     loss, LinearSVC(dual=True) and LIBLINEAR, one-vs-rest, by dual
//     coordinate descent (Hsieh et al., ICML 2008) with a seeded order.
//
// # Kernel approximations
//
// Exact SVC training grows roughly as n² in the number of rows, too slow
// for 60,000 rows of 1,024 features on a few cores. RFF (random Fourier
// features, Rahimi & Recht, NIPS 2007; scikit-learn's RBFSampler) and
// Nystroem (Williams & Seeger, NIPS 2001; scikit-learn's Nystroem) map
// the rows to features whose inner products approximate the RBF kernel;
// a Pipeline of such a FeatureMap and a LinearSVC then approximates the
// RBF SVC in time linear in n:
//
//	svm := &classify.Pipeline{
//		Map:        &classify.Nystroem{Dim: 3000, Seed: 1337},
//		Classifier: &classify.LinearSVC{Seed: 1337},
//	}
//	if err := svm.Fit(xTrain, yTrain); err != nil {
//		return err
//	}
//	pred, err := svm.Predict(xTest)
//
// # Evaluation
//
// ErrorRate compares predictions with labels, Confusion counts them by
// true class (rows) and predicted class (columns), and ConfusionPNG draws
// the counts with picture.Heatmap.
//
// # Errors and reproducibility
//
// Nothing here panics on bad input. Nil, ragged or empty matrices, label
// counts that differ from the row count, negative or too large labels,
// NaN or infinite features and invalid parameters (K ≤ 0, C ≤ 0, …) are
// returned as errors that start with "classify:" and wrap ErrShape,
// ErrValue, ErrArgument or ErrNotFitted (test with errors.Is). Every
// random choice (RFF's draws, Nystroem's landmarks, LinearSVC's coordinate
// order) uses math/rand/v2's PCG seeded with the Seed field, so the same
// seed gives the same bits; KNN, LogReg and SVC are deterministic, and
// their parallel loops combine partial results in a fixed order.
package classify

// Package dataset loads, prepares and augments the image data sets the
// boltzmann-go models are trained on, reproducing the data procedures of
// the original Python project (monsta-hd/boltzmann-machines; see the seed
// specification §6.0, §6.3 and §6.4). It is pure Go: the only dependency is
// gonum, for the SVD in Smooth.
//
// # Overview
//
// Readers turn files into Images (uint8 pixels, channel-major) and labels ([]int, the type
// package classify and package mlp take):
//
//   - LoadMNIST / ReadIDXImages / ReadIDXLabels read MNIST's IDX files,
//     raw or gzipped (scripts/fetch-mnist.sh fetches them to data/mnist);
//   - LoadCIFAR10 / ReadCIFAR10Batch read the CIFAR-10 binary batches
//     (data/cifar-10-batches-bin/data_batch_1.bin … test_batch.bin);
//   - ReadNPY / WriteNPY read and atomically write NumPy .npy arrays, the
//     original's cache format.
//
// ToMatrix turns Images into a Matrix (one image per row, pixels/255).
// Split makes the seeded train/validation split every example uses;
// FitStandardizer and Standardize, LogitMean, BinarizeThreshold and
// BinarizeStochastic prepare features; Permutation and Batches make
// reproducible minibatches; Shift, Mirror and Augment implement the
// shift-and-mirror augmentation; Smooth implements the SVD smoothing of
// the "naive" CIFAR example.
//
// # Errors
//
// Nothing here panics on bad data. Every reader checks the sizes a header
// declares against the file size, or reads incrementally, before
// allocating, so a corrupt header cannot exhaust memory. Errors start with
// "dataset:", name the file when there is one, and wrap one of the
// sentinels ErrFormat, ErrTruncated, ErrUnsupported, ErrShape or
// ErrArgument (test with errors.Is); a missing file wraps fs.ErrNotExist.
// Index arguments (Matrix.Row, Shift's image index, …) are the exception:
// like slice indexing, they panic when out of range.
//
// # Reproducibility
//
// Every random choice (Split, Permutation, Augment, BinarizeStochastic)
// uses math/rand/v2's PCG seeded with the caller's seed and a stream word
// fixed per procedure, so the same seed gives the same bits on every run
// and platform.
//
// # Example
//
// The MNIST pipeline of the original's rbm_mnist example:
//
//	im, labels, err := dataset.LoadMNIST("data/mnist", true)
//	if err != nil {
//		return err
//	}
//	x := dataset.ToMatrix[float32](im) // 60000×784, values in [0,1]
//	train, val, yTrain, yVal, err := dataset.Split(x, labels, 55000, 5000, 42)
//	if err != nil {
//		return err
//	}
//	vb := dataset.LogitMean(train) // visible-bias init
//	for epoch := range 10 {
//		perm := dataset.Permutation(train.Rows, 1337, epoch)
//		for _, batch := range dataset.Batches(perm, 10) {
//			xb := train.Gather(batch) // 10×784
//			_ = xb                    // … one training step …
//		}
//	}
//	_, _, _ = val, yTrain, yVal
//	_ = vb
package dataset

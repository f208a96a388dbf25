package main

import (
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// dataFlags select and prepare the training data.
type dataFlags struct {
	path        string
	nTrain      int
	nVal        int
	splitSeed   uint64
	binarize    string
	standardize bool
	imageShape  string
	// pixels keeps image data (MNIST, CIFAR-10, IDX) that is neither binarized nor
	// standardized as 8-bit pixels (loaded.pixels) instead of float32: a command that streams
	// its training set sets it. The values models read are the same.
	pixels bool
}

func (d *dataFlags) register(fs interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
	Uint64Var(*uint64, string, uint64, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&d.path, "data", "data/mnist", "training data: an MNIST folder (IDX files), a CIFAR-10 folder (data_batch_*.bin), an IDX images file, a .npy matrix (any numeric or bool dtype, C or Fortran order), a .npz archive (archive.npz:key for one of several arrays) or a numeric .csv (a header line is skipped)")
	// The defaults are the original rbm_mnist.py's, unless the command set its own before.
	nTrain, nVal := d.nTrain, d.nVal
	if nTrain == 0 {
		nTrain, nVal = 55000, 5000
	}
	fs.IntVar(&d.nTrain, "n-train", nTrain, "number of training rows (taken after a seeded shuffle, as the original)")
	fs.IntVar(&d.nVal, "n-val", nVal, "number of validation rows (the last rows after the shuffle); 0 for none")
	fs.Uint64Var(&d.splitSeed, "split-seed", defaultSplitSeed, "seed of the train/validation shuffle")
	fs.StringVar(&d.binarize, "binarize", "none", "binarize the data: none, threshold (> 0.5) or stochastic")
	fs.BoolVar(&d.standardize, "standardize", false, "standardize each feature with the training mean and std (for gaussian visible units)")
	fs.StringVar(&d.imageShape, "image-shape", "", "height,width,channels of one row seen as an image (default: from the data set; none for .npy)")
}

// loaded is the prepared data.
type loaded struct {
	train, val *dataset.Matrix[float32] // train is nil when pixels holds the training set
	pixels     *dataset.PixelMatrix     // the training set as pixels (dataFlags.pixels), or nil
	shape      []int                    // image shape [h, w, c], or nil
	std        *dataset.Standardizer
}

// trainSet returns the training set: pixels or the float32 matrix.
func (l *loaded) trainSet() tfops.Data {
	if l.pixels != nil {
		return l.pixels
	}
	return l.train
}

// trainShape returns the numbers of training rows and columns.
func (l *loaded) trainShape() (rows, cols int) { return l.trainSet().Shape() }

// firstTrainRows returns the first n training rows as a float32 matrix.
func (l *loaded) firstTrainRows(n int) *dataset.Matrix[float32] {
	if l.pixels != nil {
		return l.pixels.SliceRows(0, n).Float32()
	}
	return l.train.SliceRows(0, n)
}

// defaultSplitSeed seeds the train/validation shuffle of every program (-split-seed).
const defaultSplitSeed = 42

func (d *dataFlags) load() (*loaded, error) {
	if d.pixels && d.binarize == "none" && !d.standardize {
		im, shape, err := readImages(d.path)
		if err != nil {
			return nil, err
		}
		if im != nil {
			return d.loadPixels(dataset.PixelsOf(im), shape)
		}
	}
	x, shape, err := readData(d.path)
	if err != nil {
		return nil, err
	}
	// The data's own problems, named by the file and its rows as they are in the file (before
	// any shuffle), rather than by the configuration they would break later.
	for i, v := range x.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("%s: row %d, column %d is %v: the data must be finite numbers", d.path, i/x.Cols, i%x.Cols, v)
		}
	}
	if shape, err = d.checkShape(x.Rows, x.Cols, shape); err != nil {
		return nil, err
	}
	train, val, err := dataset.SplitInPlace(x, d.nTrain, d.nVal, d.splitSeed) // no second copy of the set
	if err != nil {
		return nil, err
	}
	if d.nVal == 0 {
		val = nil
	}
	out := &loaded{train: train, val: val, shape: shape}
	switch d.binarize {
	case "none":
	case "threshold":
		dataset.BinarizeThreshold(train, 0.5)
		if val != nil {
			dataset.BinarizeThreshold(val, 0.5)
		}
	case "stochastic":
		dataset.BinarizeStochastic(train, d.splitSeed+1)
		if val != nil {
			dataset.BinarizeStochastic(val, d.splitSeed+2)
		}
	default:
		return nil, flagErr("binarize", "%q, want none, threshold or stochastic", d.binarize)
	}
	if d.standardize {
		out.std = dataset.FitStandardizer(train)
		if err := dataset.Standardize(out.std, train); err != nil {
			return nil, err
		}
		if val != nil {
			if err := dataset.Standardize(out.std, val); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// loadPixels is load for images kept as pixels: the same split, the validation rows as float32.
func (d *dataFlags) loadPixels(x *dataset.PixelMatrix, shape []int) (*loaded, error) {
	shape, err := d.checkShape(x.Rows, x.Cols, shape)
	if err != nil {
		return nil, err
	}
	train, val, err := dataset.SplitPixelsInPlace(x, d.nTrain, d.nVal, d.splitSeed)
	if err != nil {
		return nil, err
	}
	out := &loaded{pixels: train, shape: shape}
	if d.nVal > 0 {
		out.val = val.Float32()
	}
	return out, nil
}

// checkShape checks the data's size, -image-shape and the split flags against rows × cols data
// and returns the image shape, or nil.
func (d *dataFlags) checkShape(rows, cols int, shape []int) ([]int, error) {
	if cols == 0 || rows == 0 {
		return nil, fmt.Errorf("%s holds %d rows of %d columns: no data to train on", d.path, rows, cols)
	}
	if d.imageShape != "" {
		var err error
		if shape, err = parseShape(d.imageShape); err != nil {
			return nil, flagErr("image-shape", "%v", err)
		}
	}
	if shape != nil && shape[0]*shape[1]*shape[2] != cols {
		return nil, flagErr("image-shape", "%v has %d values, the data %d columns", shape, shape[0]*shape[1]*shape[2], cols)
	}
	if d.nTrain < 0 {
		return nil, flagErr("n-train", "%d, want > 0", d.nTrain)
	}
	if d.nVal < 0 {
		return nil, flagErr("n-val", "%d, want ≥ 0", d.nVal)
	}
	if d.nTrain == 0 || d.nTrain+d.nVal > rows {
		return nil, flagErr("n-train", "%d training + %d validation rows, but %s has %d rows", d.nTrain, d.nVal, d.path, rows)
	}
	return shape, nil
}

// readData reads a data set by what path is.
func readData(path string) (*dataset.Matrix[float32], []int, error) {
	im, shape, err := readImages(path)
	if err != nil {
		return nil, nil, err
	}
	if im != nil {
		return dataset.ToMatrix[float32](im), shape, nil
	}
	if archive, key, ok := strings.Cut(path, ".npz:"); ok { // one array of a .npz archive
		m, err := dataset.ReadNPZ[float32](archive+".npz", key)
		return m, nil, err
	}
	if strings.HasSuffix(path, ".npy") {
		// A 1-D array is a vector, not a data set: read as a column it would be rows of one
		// feature (784 pixels of one image as 784 rows), a wrong answer rather than a refusal.
		if shape, err := dataset.NPYShape(path); err == nil && len(shape) == 1 {
			return nil, nil, fmt.Errorf("%s holds a 1-D array of %d values, want a 2-D array of rows × features (numpy: x.reshape(1, -1) for one row, x.reshape(-1, 1) for one feature)", path, shape[0])
		}
		m, err := dataset.ReadNPY[float32](path)
		if err == nil && npyIsUint8(path) {
			// Raw 0–255 pixels would saturate every unit: scale them as the image loaders do.
			for i := range m.Data {
				m.Data[i] /= 255
			}
			log.Printf("%s holds uint8 values: scaled to [0, 1] (divided by 255), as MNIST and CIFAR-10 pixels are", path)
		}
		return m, nil, err
	}
	if strings.HasSuffix(strings.ToLower(path), ".csv") {
		m, err := dataset.ReadCSV[float32](path)
		return m, nil, err
	}
	if strings.HasSuffix(path, ".npz") {
		m, err := dataset.ReadNPZ[float32](path, "")
		return m, nil, err
	}
	return nil, nil, fmt.Errorf("%s looks like a CIFAR-10 batch file: pass the folder that holds data_batch_1.bin … test_batch.bin", path)
}

// readImages reads path if it holds images (an MNIST or CIFAR-10 folder, an IDX file) and
// returns them with their shape, or nil images for the other forms (readData's).
func readImages(path string) (*dataset.Images, []int, error) {
	if _, _, ok := strings.Cut(path, ".npz:"); ok {
		return nil, nil, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) && path == "data/mnist" {
			return nil, nil, fmt.Errorf("%w (run `make data` to fetch MNIST)", err)
		}
		return nil, nil, err
	}
	var im *dataset.Images
	switch lower := strings.ToLower(path); {
	case st.IsDir() && pipeline.IsCIFAR(path):
		im, _, err = dataset.LoadCIFAR10(path, true)
	case st.IsDir():
		im, _, err = dataset.LoadMNIST(path, true)
	case strings.HasSuffix(path, ".npy"), strings.HasSuffix(lower, ".csv"), strings.HasSuffix(path, ".npz"), strings.HasSuffix(path, ".bin"):
		return nil, nil, nil
	default:
		im, err = dataset.ReadIDXImages(path)
	}
	if err != nil {
		return nil, nil, err
	}
	return im, []int{im.Height, im.Width, im.Channels}, nil
}

func parseShape(s string) ([]int, error) {
	parts := strings.Split(s, ",")
	if len(parts) == 2 {
		parts = append(parts, "1")
	}
	if len(parts) != 3 {
		return nil, fmt.Errorf("%q: want height,width[,channels]", s)
	}
	out := make([]int, 3)
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("%q: %q is not a positive integer", s, p)
		}
		out[i] = v
	}
	if out[2] != 1 && out[2] != 3 {
		return nil, fmt.Errorf("%q: want 1 or 3 channels", s)
	}
	return out, nil
}

// npyIsUint8 reports whether the .npy file at path stores uint8 values (its header's descr).
func npyIsUint8(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 256)
	n, _ := io.ReadFull(f, head)
	h := string(head[:n])
	return strings.Contains(h, "'descr': '|u1'") || strings.Contains(h, "'descr': 'u1'") || strings.Contains(h, "'descr': '<u1'")
}

// readSet reads the training or test images of an MNIST or CIFAR-10 folder with their labels,
// or the rows of a data file as bm train reads it (IDX, .npy, .npz, archive.npz:key, CSV; no
// labels).
func readSet(path string, test bool) (*dataset.Matrix[float32], []int, error) {
	_, _, npzKey := strings.Cut(path, ".npz:") // archive.npz:key, which is no file of that name
	if st, err := os.Stat(path); npzKey || err == nil && !st.IsDir() {
		if test {
			return nil, nil, flagErr("test", "%s is a file, not an MNIST or CIFAR-10 folder", path)
		}
		x, _, err := readData(path)
		return x, nil, err
	}
	return pipeline.ReadLabeledSet(path, test)
}

package pipeline

import (
	"cmp"
	"fmt"
	"math"
	"os"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// Data are training data prepared by LoadData.
type Data struct {
	// Train and Val are the training and validation rows; Train is nil when Pixels holds the
	// training set, Val nil without validation rows.
	Train, Val *dataset.Matrix[float32]
	// Pixels is the training set as 8-bit pixels (DataSettings.Pixels), or nil.
	Pixels *dataset.PixelMatrix
	// Shape is the image shape [h, w, c] of a row, or nil.
	Shape []int
	// Std is the standardization applied to the rows (DataSettings.Standardize), or nil.
	Std *dataset.Standardizer
	// settings are the settings LoadData made the data with (nil for data made otherwise):
	// training stages record them beside their models and check them when a model resumes.
	settings *DataSettings
}

// DataSettings select and prepare training data: a data set, its seeded train/validation split,
// binarization or standardization.
type DataSettings struct {
	// Path is an MNIST folder (IDX files), a CIFAR-10 folder (data_batch_*.bin), an IDX images
	// file, a .npy matrix, a .npz archive (archive.npz:key for one of several arrays) or a
	// numeric .csv. Empty means "data/mnist".
	Path string
	// NTrain is the number of training rows, taken after a seeded shuffle as the original
	// does; it must be > 0.
	NTrain int
	// NVal is the number of validation rows (the last rows after the shuffle); 0: none.
	NVal int
	// SplitSeed seeds the train/validation shuffle (the programs use DefaultSplitSeed).
	SplitSeed uint64
	// Stratify draws the training and validation rows so that every class keeps its share of
	// them, within one row (dataset.StratifiedSplitIndices with SplitSeed; the same rows as
	// LoadLabeledStratified). It needs the labels of an MNIST or CIFAR-10 folder. Default
	// false: the original's shuffle.
	Stratify bool
	// Binarize binarizes the rows: "" or "none", "threshold" (> 0.5) or "stochastic".
	Binarize string
	// Standardize standardizes each column with the training rows' mean and std.
	Standardize bool
	// ImageShape is the height, width and channels of one row seen as an image. Nil: from the
	// data set (none for .npy, .npz and CSV).
	ImageShape []int
	// Pixels keeps image data (MNIST, CIFAR-10, IDX) that is neither binarized nor standardized
	// as 8-bit pixels (Data.Pixels) instead of float32, for a stage that streams its training
	// set. The values models read are the same.
	Pixels bool
}

// TrainSet returns the training set: pixels or the float32 matrix.
func (l *Data) TrainSet() tfops.Data {
	if l.Pixels != nil {
		return l.Pixels
	}
	return l.Train
}

// TrainShape returns the numbers of training rows and columns.
func (l *Data) TrainShape() (rows, cols int) { return l.TrainSet().Shape() }

// FirstTrainRows returns the first n training rows as a float32 matrix.
func (l *Data) FirstTrainRows(n int) *dataset.Matrix[float32] {
	if l.Pixels != nil {
		return l.Pixels.SliceRows(0, n).Float32()
	}
	return l.Train.SliceRows(0, n)
}

// LoadData reads and prepares the data s selects. A setting that does not fit the data is a
// *FieldError naming it.
func LoadData(s DataSettings, h Hooks) (*Data, error) {
	d := &s
	d.Path = cmp.Or(d.Path, "data/mnist")
	d.Binarize = cmp.Or(d.Binarize, "none")
	if d.Pixels && d.Binarize == "none" && !d.Standardize && !d.Stratify {
		im, shape, err := ReadImages(d.Path)
		if err != nil {
			return nil, err
		}
		if im != nil {
			return d.loadPixels(dataset.PixelsOf(im), shape)
		}
	}
	x, shape, err := ReadData(d.Path, h)
	if err != nil {
		return nil, err
	}
	// The data's own problems, named by the file and its rows as they are in the file (before
	// any shuffle), rather than by the configuration they would break later.
	for i, v := range x.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("%s: row %d, column %d is %v: the data must be finite numbers", d.Path, i/x.Cols, i%x.Cols, v)
		}
	}
	if shape, err = d.checkShape(x.Rows, x.Cols, shape); err != nil {
		return nil, err
	}
	var train, val *dataset.Matrix[float32]
	if d.Stratify {
		train, val, err = d.stratified(x)
	} else {
		train, val, err = dataset.SplitInPlace(x, d.NTrain, d.NVal, d.SplitSeed) // no second copy of the set
	}
	if err != nil {
		return nil, err
	}
	if d.NVal == 0 {
		val = nil
	}
	out := &Data{Train: train, Val: val, Shape: shape, settings: d}
	switch d.Binarize {
	case "none":
	case "threshold":
		dataset.BinarizeThreshold(train, 0.5)
		if val != nil {
			dataset.BinarizeThreshold(val, 0.5)
		}
	case "stochastic":
		dataset.BinarizeStochastic(train, d.SplitSeed+1)
		if val != nil {
			dataset.BinarizeStochastic(val, d.SplitSeed+2)
		}
	default:
		return nil, fieldErr("Binarize", "%q, want none, threshold or stochastic", d.Binarize)
	}
	if d.Standardize {
		out.Std = dataset.FitStandardizer(train)
		if err := dataset.Standardize(out.Std, train); err != nil {
			return nil, err
		}
		if val != nil {
			if err := dataset.Standardize(out.Std, val); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// stratified returns the stratified split of x, the training images of the labelled folder
// d.Path in file order.
func (d *DataSettings) stratified(x *dataset.Matrix[float32]) (train, val *dataset.Matrix[float32], err error) {
	if st, err := os.Stat(d.Path); err != nil || !st.IsDir() {
		return nil, nil, fieldErr("Stratify", "needs labels: %s is not an MNIST or CIFAR-10 folder", d.Path)
	}
	load := dataset.LoadMNIST
	if IsCIFAR(d.Path) {
		load = dataset.LoadCIFAR10
	}
	_, y, err := load(d.Path, true)
	if err != nil {
		return nil, nil, err
	}
	if len(y) != x.Rows {
		return nil, nil, fmt.Errorf("%s: %d labels for %d training images", d.Path, len(y), x.Rows)
	}
	ti, vi, err := dataset.StratifiedSplitIndices(y, d.NTrain, d.NVal, d.SplitSeed)
	if err != nil {
		return nil, nil, err
	}
	return x.Gather(ti), x.Gather(vi), nil
}

// loadPixels is load for images kept as pixels: the same split, the validation rows as float32.
func (d *DataSettings) loadPixels(x *dataset.PixelMatrix, shape []int) (*Data, error) {
	shape, err := d.checkShape(x.Rows, x.Cols, shape)
	if err != nil {
		return nil, err
	}
	train, val, err := dataset.SplitPixelsInPlace(x, d.NTrain, d.NVal, d.SplitSeed)
	if err != nil {
		return nil, err
	}
	out := &Data{Pixels: train, Shape: shape, settings: d}
	if d.NVal > 0 {
		out.Val = val.Float32()
	}
	return out, nil
}

// checkShape checks the data's size, -image-shape and the split flags against rows × cols data
// and returns the image shape, or nil.
func (d *DataSettings) checkShape(rows, cols int, shape []int) ([]int, error) {
	if cols == 0 || rows == 0 {
		return nil, fmt.Errorf("%s holds %d rows of %d columns: no data to train on", d.Path, rows, cols)
	}
	if d.ImageShape != nil {
		shape = d.ImageShape
	}
	if shape != nil && shape[0]*shape[1]*shape[2] != cols {
		return nil, fieldErr("ImageShape", "%v has %d values, the data %d columns", shape, shape[0]*shape[1]*shape[2], cols)
	}
	if d.NTrain < 0 {
		return nil, fieldErr("NTrain", "%d, want > 0", d.NTrain)
	}
	if d.NVal < 0 {
		return nil, fieldErr("NVal", "%d, want ≥ 0", d.NVal)
	}
	if d.NTrain == 0 || d.NTrain+d.NVal > rows {
		return nil, fieldErr("NTrain", "%d training + %d validation rows, but %s has %d rows", d.NTrain, d.NVal, d.Path, rows)
	}
	return shape, nil
}

// ReadData reads a data set by what path is (dataset.Open): an MNIST or CIFAR-10 folder's
// training images, an IDX images file, a .npy matrix (uint8 values scaled to [0, 1]), a CSV
// file, a .npz archive or one of its arrays (archive.npz:key). It returns the rows and, for
// images, their shape.
func ReadData(path string, h Hooks) (*dataset.Matrix[float32], []int, error) {
	src, err := openData(path)
	if err != nil {
		return nil, nil, err
	}
	set, err := src.Read(false)
	if err != nil {
		return nil, nil, err
	}
	if set.ScaledBytes {
		h.logf("%s holds uint8 values: scaled to [0, 1] (divided by 255), as MNIST and CIFAR-10 pixels are", path)
	}
	return set.X, set.Shape, nil
}

// ReadImages reads path if it holds images (an MNIST or CIFAR-10 folder, an IDX file) and
// returns them with their shape, or nil images for the other forms (ReadData's).
func ReadImages(path string) (*dataset.Images, []int, error) {
	src, err := openData(path)
	if err != nil {
		return nil, nil, err
	}
	im, _, err := src.Images(false)
	if im == nil || err != nil {
		return nil, nil, err
	}
	return im, []int{im.Height, im.Width, im.Channels}, nil
}

// openData is dataset.Open, saying how to fetch MNIST where its default folder is missing.
func openData(path string) (dataset.Source, error) {
	src, err := dataset.Open(path)
	if os.IsNotExist(err) && path == "data/mnist" {
		err = fmt.Errorf("%w (run `make data` to fetch MNIST)", err)
	}
	return src, err
}

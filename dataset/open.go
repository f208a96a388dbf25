package dataset

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// A Form is the kind of data set a path holds.
type Form int

// The forms Open recognises.
const (
	FormMNIST   Form = iota + 1 // a folder of MNIST IDX files (train-images-idx3-ubyte …)
	FormCIFAR10                 // a folder of CIFAR-10 binary batches (data_batch_1.bin …)
	FormIDX                     // one IDX images file
	FormNPY                     // a 2-D .npy array of rows × features
	FormNPZ                     // one array of a .npz archive (archive.npz or archive.npz:key)
	FormCSV                     // a numeric CSV file (a header line is skipped)
)

// A Source is a data set found by Open: its path and form.
type Source struct {
	Path string
	Form Form
	// Key names the array of a .npz archive ("" for its only one).
	Key string
}

// A Set is the rows of a Source as Read returns them.
type Set struct {
	// X are the rows; image pixels as pixel/255.
	X *Matrix[float32]
	// Labels are the rows' labels (MNIST and CIFAR-10 folders), or nil.
	Labels []int
	// Shape is the image shape [height, width, channels] of a row (images), or nil.
	Shape []int
	// ScaledBytes reports a .npy file of uint8 values, scaled to [0, 1] as pixels are.
	ScaledBytes bool
}

// Open returns the data set at path by what it is: a folder of CIFAR-10 binary batches, a
// folder of MNIST IDX files, a .npy, .npz or .csv file, one array of a .npz archive
// (archive.npz:key, which is no file of that name) or an IDX images file. A path that does not
// exist is the error of os.Stat; a CIFAR-10 batch file is refused with a word on the folder to
// pass instead. Nothing is read but the folder's names.
func Open(path string) (Source, error) {
	if archive, key, ok := strings.Cut(path, ".npz:"); ok {
		return Source{Path: archive + ".npz", Form: FormNPZ, Key: key}, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return Source{}, err
	}
	lower := strings.ToLower(path)
	switch {
	case st.IsDir() && IsCIFAR10Dir(path):
		return Source{Path: path, Form: FormCIFAR10}, nil
	case st.IsDir():
		return Source{Path: path, Form: FormMNIST}, nil
	case strings.HasSuffix(path, ".npy"):
		return Source{Path: path, Form: FormNPY}, nil
	case strings.HasSuffix(lower, ".csv"):
		return Source{Path: path, Form: FormCSV}, nil
	case strings.HasSuffix(path, ".npz"):
		return Source{Path: path, Form: FormNPZ}, nil
	case strings.HasSuffix(path, ".bin"):
		return Source{}, fmt.Errorf("%s looks like a CIFAR-10 batch file: pass the folder that holds data_batch_1.bin … test_batch.bin", path)
	}
	return Source{Path: path, Form: FormIDX}, nil
}

// IsCIFAR10Dir reports whether the folder holds CIFAR-10 binary batches.
func IsCIFAR10Dir(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "data_batch_*.bin"))
	return len(m) > 0
}

// Labeled reports whether the source is a folder of labeled images with a test set (MNIST,
// CIFAR-10).
func (s Source) Labeled() bool { return s.Form == FormMNIST || s.Form == FormCIFAR10 }

// Images returns the training (or, test, the test) images of a source of images (folders and
// IDX files), with their labels (nil for an IDX file), or nil images for the other forms.
func (s Source) Images(test bool) (*Images, []int, error) {
	switch s.Form {
	case FormMNIST:
		return LoadMNIST(s.Path, !test)
	case FormCIFAR10:
		return LoadCIFAR10(s.Path, !test)
	case FormIDX:
		if test {
			return nil, nil, fmt.Errorf("%s is a file, not an MNIST or CIFAR-10 folder: it has no test set: %w", s.Path, ErrArgument)
		}
		im, err := ReadIDXImages(s.Path)
		return im, nil, err
	}
	return nil, nil, nil
}

// Read returns the rows of the source: the training (or, test, the test) rows of a folder, or
// the rows of a file (test: an error, as a file has no test set).
func (s Source) Read(test bool) (*Set, error) {
	im, labels, err := s.Images(test)
	if err != nil {
		return nil, err
	}
	if im != nil {
		return &Set{X: ToMatrix[float32](im), Labels: labels, Shape: []int{im.Height, im.Width, im.Channels}}, nil
	}
	if test {
		return nil, fmt.Errorf("%s is a file, not an MNIST or CIFAR-10 folder: it has no test set: %w", s.Path, ErrArgument)
	}
	var x *Matrix[float32]
	switch s.Form {
	case FormNPZ:
		x, err = ReadNPZ[float32](s.Path, s.Key)
	case FormCSV:
		x, err = ReadCSV[float32](s.Path)
	case FormNPY:
		// A 1-D array is a vector, not a data set: read as a column it would be rows of one
		// feature (784 pixels of one image as 784 rows), a wrong answer rather than a refusal.
		if shape, err := NPYShape(s.Path); err == nil && len(shape) == 1 {
			return nil, fmt.Errorf("%s holds a 1-D array of %d values, want a 2-D array of rows × features (numpy: x.reshape(1, -1) for one row, x.reshape(-1, 1) for one feature)", s.Path, shape[0])
		}
		x, err = ReadNPY[float32](s.Path)
		if err == nil && npyIsUint8(s.Path) {
			// Raw 0–255 pixels would saturate every unit: scale them as the image loaders do.
			for i := range x.Data {
				x.Data[i] /= 255
			}
			return &Set{X: x, ScaledBytes: true}, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return &Set{X: x}, nil
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

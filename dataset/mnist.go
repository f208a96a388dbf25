package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// MNIST file names, as published and as written by scripts/fetch-mnist.sh.
const (
	MNISTTrainImages = "train-images-idx3-ubyte"
	MNISTTrainLabels = "train-labels-idx1-ubyte"
	MNISTTestImages  = "t10k-images-idx3-ubyte"
	MNISTTestLabels  = "t10k-labels-idx1-ubyte"
)

// LoadMNIST reads the MNIST training set (train=true: 60000 images) or test
// set (train=false: 10000 images) from dir, which holds the four files
// MNISTTrainImages, MNISTTrainLabels, MNISTTestImages and MNISTTestLabels,
// each either under that name or under that name plus ".gz" (the content,
// not the name, decides whether it is decompressed). Images are 28×28 with
// one channel in the published files. It returns an error if a file is
// missing (wrapping fs.ErrNotExist), if the label count differs from the
// image count (ErrShape), or if a label is greater than 9 (ErrFormat).
// To train on the pixels scaled to [0,1] as the original does, use
// ToMatrix.
func LoadMNIST(dir string, train bool) (*Images, []int, error) {
	imgName, lblName := MNISTTestImages, MNISTTestLabels
	if train {
		imgName, lblName = MNISTTrainImages, MNISTTrainLabels
	}
	imgPath, err := findMNISTFile(dir, imgName)
	if err != nil {
		return nil, nil, err
	}
	lblPath, err := findMNISTFile(dir, lblName)
	if err != nil {
		return nil, nil, err
	}
	im, labels, err := ReadIDXLabeled(imgPath, lblPath, 10)
	if err != nil {
		return nil, nil, err
	}
	return im, labels, nil
}

// findMNISTFile returns dir/name if it exists, else dir/name.gz if that
// exists, else an error wrapping fs.ErrNotExist that says what was expected.
func findMNISTFile(dir, name string) (string, error) {
	for _, p := range []string{filepath.Join(dir, name), filepath.Join(dir, name+".gz")} {
		_, err := os.Stat(p)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fileErr(p, err)
		}
	}
	return "", fmt.Errorf("dataset: MNIST: neither %s nor %s.gz found in %s (expected %s, %s, %s and %s, raw or gzipped; scripts/fetch-mnist.sh fetches them): %w",
		name, name, dir, MNISTTrainImages, MNISTTrainLabels, MNISTTestImages, MNISTTestLabels, fs.ErrNotExist)
}

package dataset

import "fmt"

// Images holds N images of Height×Width×Channels uint8 pixels. Each image is
// stored channel-major (C,H,W): pixel (row, col) of channel c of image i is
// Pix[i*Dim() + c*Height*Width + row*Width + col]. This is the layout of the
// CIFAR-10 binary files and of the flattened rows the original project
// trains on.
type Images struct {
	N, Height, Width, Channels int
	Pix                        []uint8
}

// Dim returns the number of values in one image, Height*Width*Channels.
func (im *Images) Dim() int { return im.Height * im.Width * im.Channels }

// Validate returns an error wrapping ErrShape if im is nil, has a negative
// count or a non-positive image dimension, or if len(Pix) != N*Dim().
func (im *Images) Validate() error {
	switch {
	case im == nil:
		return fmt.Errorf("dataset: nil images: %w", ErrShape)
	case im.N < 0 || im.Height <= 0 || im.Width <= 0 || im.Channels <= 0:
		return fmt.Errorf("dataset: invalid image dimensions N=%d H=%d W=%d C=%d: %w",
			im.N, im.Height, im.Width, im.Channels, ErrShape)
	case len(im.Pix) != im.N*im.Dim():
		return fmt.Errorf("dataset: %d images of %d×%d×%d need %d pixels, have %d: %w",
			im.N, im.Height, im.Width, im.Channels, im.N*im.Dim(), len(im.Pix), ErrShape)
	}
	return nil
}

// Image returns the pixels of image i (channel-major). The result shares
// storage with im. It panics if i is out of range, as indexing a slice does.
func (im *Images) Image(i int) []uint8 {
	if i < 0 || i >= im.N {
		panic(fmt.Sprintf("dataset: Image: index %d out of range [0,%d)", i, im.N))
	}
	d := im.Dim()
	return im.Pix[i*d : (i+1)*d : (i+1)*d]
}

// Gather returns a copy of the images idx[0], idx[1], … in that order. Use
// it with SplitIndices to split images the same way Split splits a Matrix.
// It panics if an index is out of range.
func (im *Images) Gather(idx []int) *Images {
	d := im.Dim()
	out := &Images{N: len(idx), Height: im.Height, Width: im.Width, Channels: im.Channels,
		Pix: make([]uint8, len(idx)*d)}
	for k, i := range idx {
		copy(out.Pix[k*d:(k+1)*d], im.Image(i))
	}
	return out
}

// ToMatrix returns the images as an N×Dim() matrix, one image per row in the
// channel-major order of Pix, with each pixel p mapped to p/255 (computed in
// float64, then rounded to T). It returns nil if im is not valid (see
// Validate).
func ToMatrix[T Float](im *Images) *Matrix[T] {
	if im.Validate() != nil {
		return nil
	}
	m := &Matrix[T]{Rows: im.N, Cols: im.Dim(), Data: make([]T, len(im.Pix))}
	pixelsInto(m.Data, im.Pix)
	return m
}

// ToMatrixIn is ToMatrix writing into m, which must be im.N×im.Dim() (e.g. an
// AnonymousMatrix, outside Go's heap); it returns an error wrapping ErrShape otherwise.
func ToMatrixIn[T Float](m *Matrix[T], im *Images) error {
	if err := im.Validate(); err != nil {
		return err
	}
	if m == nil || m.Rows != im.N || m.Cols != im.Dim() || len(m.Data) != len(im.Pix) {
		return fmt.Errorf("dataset: ToMatrixIn: want a %d×%d matrix: %w", im.N, im.Dim(), ErrShape)
	}
	pixelsInto(m.Data, im.Pix)
	return nil
}

// pixelsInto sets dst[i] to pix[i]/255, computed in float64 and rounded to T.
func pixelsInto[T Float](dst []T, pix []uint8) {
	var lut [256]T
	for p := range lut {
		lut[p] = T(float64(p) / 255)
	}
	for i, p := range pix {
		dst[i] = lut[p]
	}
}

package tfevents

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

	"github.com/galeone/tensorflow/tensorflow/go/core/framework/summary_go_proto"
)

// Colorspace values of Summary_Image (tensorflow/core/framework/summary.proto).
const (
	colorspaceGray = 1
	colorspaceRGB  = 3
	colorspaceRGBA = 4
)

// newImage PNG-encodes img into a Summary_Image. The colorspace follows
// what image/png writes: 1 for gray images (color.GrayModel or
// color.Gray16Model), 3 for opaque color images, 4 otherwise.
func newImage(img image.Image) (*summary_go_proto.Summary_Image, error) {
	if img == nil {
		return nil, fmt.Errorf("image is nil")
	}
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, fmt.Errorf("image is empty (%dx%d)", b.Dx(), b.Dy())
	}
	if b.Dx() > math.MaxInt32 || b.Dy() > math.MaxInt32 {
		return nil, fmt.Errorf("image is too large (%dx%d)", b.Dx(), b.Dy())
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return &summary_go_proto.Summary_Image{
		Height:             int32(b.Dy()),
		Width:              int32(b.Dx()),
		Colorspace:         colorspace(img),
		EncodedImageString: buf.Bytes(),
	}, nil
}

// colorspace returns the Summary_Image colorspace of img.
func colorspace(img image.Image) int32 {
	switch img.ColorModel() {
	case color.GrayModel, color.Gray16Model:
		return colorspaceGray
	}
	if isOpaque(img) {
		return colorspaceRGB
	}
	return colorspaceRGBA
}

// isOpaque reports whether every pixel of img has full alpha, using the
// image's own Opaque method when it has one.
func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xffff {
				return false
			}
		}
	}
	return true
}

package picture

import (
	"image"
	"image/draw"
	"math"
)

// MaxScaledPixels bounds the size of the images Scale returns.
const MaxScaledPixels = 1 << 28

// Scale enlarges img by the integer factor k with nearest-neighbour
// sampling, so each source pixel becomes a k×k block; small tiles stay
// crisp. The result starts at (0, 0). An *image.Gray stays an
// *image.Gray; any other image becomes an *image.RGBA.
//
// If k < 2, or img is nil or empty, img is returned unchanged. k is
// lowered, if needed, so that the result has at most MaxScaledPixels
// pixels.
func Scale(img image.Image, k int) image.Image {
	if img == nil || k < 2 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return img
	}
	if k = scaleFactor(w, h, k); k < 2 {
		return img
	}
	rect := image.Rect(0, 0, w*k, h*k)
	if g, ok := img.(*image.Gray); ok {
		out := image.NewGray(rect)
		for y := 0; y < h*k; y++ {
			src := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y/k):]
			dst := out.Pix[y*out.Stride : y*out.Stride+w*k]
			for x := range dst {
				dst[x] = src[x/k]
			}
		}
		return out
	}
	// Convert once to RGBA, then replicate pixels.
	src := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	out := image.NewRGBA(rect)
	for y := 0; y < h*k; y++ {
		srow := src.Pix[(y/k)*src.Stride:]
		drow := out.Pix[y*out.Stride : y*out.Stride+4*w*k]
		for x := 0; x < w*k; x++ {
			copy(drow[4*x:4*x+4], srow[4*(x/k):4*(x/k)+4])
		}
	}
	return out
}

// scaleFactor returns the largest factor up to k for which a w×h image
// scaled by it has at most MaxScaledPixels pixels (possibly 0 or 1).
func scaleFactor(w, h, k int) int {
	if p, ok := product(w, h, k, k); ok && p <= MaxScaledPixels {
		return k
	}
	if w > MaxScaledPixels/h {
		return 1
	}
	k = int(math.Sqrt(float64(MaxScaledPixels / (w * h))))
	for k > 1 && w*h*k*k > MaxScaledPixels { // in case Sqrt rounded up
		k--
	}
	return k
}

package dataset

import (
	"fmt"
	"math"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// Shift writes image i of im, translated by dy rows and dx columns, into
// dst (which needs at least im.Dim() bytes). Pixel (r, c) of each channel
// of the result is the source pixel (r−dy, c−dx), with coordinates clamped
// to the image, so edge pixels are replicated into the vacated border. This
// equals scipy.ndimage.shift(channel, (dy, dx), mode='nearest') for integer
// offsets, which the original applies per channel: dy = +1 moves the
// content down, dx = +1 moves it right. Offsets larger than the image are
// allowed. Pixels are copied, never recomputed, so no rounding occurs.
// Shift panics if i is out of range or dst is too short, as indexing a
// slice does.
func Shift(im *Images, i int, dy, dx int, dst []uint8) {
	src := im.Image(i)
	h, w := im.Height, im.Width
	if len(dst) < len(src) {
		panic(fmt.Sprintf("dataset: Shift: dst has %d bytes, need %d", len(dst), len(src)))
	}
	for c := range im.Channels {
		plane := src[c*h*w : (c+1)*h*w]
		out := dst[c*h*w : (c+1)*h*w]
		for r := range h {
			sr := clamp(r-dy, h)
			srow := plane[sr*w : (sr+1)*w]
			orow := out[r*w : (r+1)*w]
			for col := range w {
				orow[col] = srow[clamp(col-dx, w)]
			}
		}
	}
}

// clamp returns v limited to [0, n-1].
func clamp(v, n int) int {
	return min(max(v, 0), n-1)
}

// Mirror writes the horizontal mirror of image i of im (columns reversed in
// every channel, numpy's fliplr on an H×W×C image) into dst, which needs at
// least im.Dim() bytes. It panics if i is out of range or dst is too short.
func Mirror(im *Images, i int, dst []uint8) {
	src := im.Image(i)
	w := im.Width
	if len(dst) < len(src) {
		panic(fmt.Sprintf("dataset: Mirror: dst has %d bytes, need %d", len(dst), len(src)))
	}
	for off := 0; off < len(src); off += w {
		srow, orow := src[off:off+w], dst[off:off+w]
		for col := range w {
			orow[col] = srow[w-1-col]
		}
	}
}

// AugmentOptions configures Augment.
type AugmentOptions struct {
	// Diagonals selects the shifts. False (the default) uses the
	// original's 4 one-pixel shifts (dy, dx) = (+1,0), (−1,0), (0,+1),
	// (0,−1) (spec Appendix A.17); true uses all 8 one-pixel shifts, adding
	// (+1,+1), (+1,−1), (−1,+1), (−1,−1).
	Diagonals bool
	// Seed seeds the final shuffle (math/rand/v2 PCG).
	Seed uint64
}

// axisShifts and diagonalShifts are the (dy, dx) offsets Augment applies,
// in block order.
var (
	axisShifts     = [][2]int{{+1, 0}, {-1, 0}, {0, +1}, {0, -1}}
	diagonalShifts = [][2]int{{+1, +1}, {+1, -1}, {-1, +1}, {-1, -1}}
)

// AugmentFactor returns how many images Augment makes from each input
// image: 10 with the 4 axis-aligned shifts, 18 with all 8 shifts.
func AugmentFactor(opt AugmentOptions) int {
	n := len(axisShifts)
	if opt.Diagonals {
		n += len(diagonalShifts)
	}
	return 2 * (1 + n)
}

// Augment returns the data augmented as in the original's dbm_cifar
// example: block 0 holds the originals, the next blocks hold every image
// shifted by each offset of opt (see Shift), and as many blocks again hold
// the horizontal mirrors (see Mirror) of all of those; the result is then
// shuffled with a permutation seeded by opt.Seed, and labels[k] of the
// result is the label of the source image of image k. The result has
// AugmentFactor(opt)·N images: 10·N with the 4 shifts, as the original,
// and 18·N with 8. Unlike the original, which went through float32 and
// truncated x·255 back to uint8 (Appendix A.17), pixels are copied
// exactly. labels must have im.N entries; the input is not modified.
func Augment(im *Images, labels []int, opt AugmentOptions) (*Images, []int, error) {
	if err := im.Validate(); err != nil {
		return nil, nil, nest.Within("dataset: augment", err)
	}
	if len(labels) != im.N {
		return nil, nil, fmt.Errorf("dataset: augment: %d labels for %d images: %w", len(labels), im.N, ErrShape)
	}
	shifts := axisShifts
	if opt.Diagonals {
		shifts = append(append([][2]int(nil), axisShifts...), diagonalShifts...)
	}
	factor := AugmentFactor(opt)
	d := im.Dim()
	if im.N > math.MaxInt/factor/d {
		return nil, nil, fmt.Errorf("dataset: augment: %d images of %d bytes ×%d is too large: %w", im.N, d, factor, ErrArgument)
	}
	total := factor * im.N
	// Image k of the unshuffled result is block k/N of source image k%N:
	// block 0 the original, blocks 1..len(shifts) its shifts, and the
	// second half the mirrors of the first. Each output image is built
	// directly at its shuffled position, so only the result is allocated.
	half := total / 2
	perm := newRand(opt.Seed, streamAugment).Perm(total)
	out := &Images{N: total, Height: im.Height, Width: im.Width, Channels: im.Channels, Pix: make([]uint8, total*d)}
	outLabels := make([]int, total)
	tmp := &Images{N: 1, Height: im.Height, Width: im.Width, Channels: im.Channels, Pix: make([]uint8, d)}
	for k, src := range perm {
		dst := out.Pix[k*d : (k+1)*d]
		block, i := src/im.N, src%im.N
		mirror := src >= half
		if mirror {
			block -= half / im.N
		}
		target := dst
		if mirror {
			target = tmp.Pix
		}
		if block == 0 {
			copy(target, im.Image(i))
		} else {
			Shift(im, i, shifts[block-1][0], shifts[block-1][1], target)
		}
		if mirror {
			Mirror(tmp, 0, dst)
		}
		outLabels[k] = labels[i]
	}
	return out, outLabels, nil
}

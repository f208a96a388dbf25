// Package patches holds the patch RBMs of the original's CIFAR-10 DBM (examples/dbm_cifar.py,
// spec §6.4): where its 26 small RBMs look (8×8×3 patches of a 32×32×3 image), the data each
// trains on, and the assembly of their weights into the initial weights of the large Gaussian
// RBM (3072 visible units, 26 blocks of hidden units).
//
// Image vectors are channel-major, index c·32·32 + row·32 + col, as everywhere in the project and
// the original; a patch vector is channel-major too, c·64 + r·8 + col.
package patches

import (
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// Image and patch geometry.
const (
	Side      = 32 // image height and width
	Channels  = 3  // image channels
	PatchSide = 8  // patch height and width
	PatchSize = PatchSide * PatchSide * Channels
	ImageSize = Side * Side * Channels
	// Count is the number of patch RBMs.
	Count = 26
)

// A Patch is the input of one small RBM: the 8×8×3 block at Row, Col, or, for the coarse one,
// the whole image brought down to 8×8×3.
type Patch struct {
	ID       int
	Row, Col int
	Coarse   bool
}

// Layout returns the original's 26 patches: ids 0–15 tile the image in a 4×4 grid (id 4i+j at rows
// 8i…, cols 8j…), ids 16–24 tile the interior 24×24 in a 3×3 grid offset by 4 pixels (id 16+3i+j at
// rows 4+8i…, cols 4+8j…), and id 25 is the coarse image.
func Layout() []Patch {
	var ps []Patch
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			ps = append(ps, Patch{ID: 4*i + j, Row: 8 * i, Col: 8 * j})
		}
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			ps = append(ps, Patch{ID: 16 + 3*i + j, Row: 4 + 8*i, Col: 4 + 8*j})
		}
	}
	return append(ps, Patch{ID: 25, Coarse: true})
}

// Seed returns the original's seed of patch RBM id: 9000 + id for ids 0–15 and 25 (hard-coded in
// the original), smallSeed + id for ids 16–24 (its --small-random-seed).
func Seed(id int, smallSeed int64) int64 {
	if id >= 16 && id <= 24 {
		return smallSeed + int64(id)
	}
	return 9000 + int64(id)
}

// Extract returns the patch p of every row of x (rows of ImageSize values). For the coarse patch,
// blockAverage false reproduces the original: coarse pixel (r, c) is the mean over a, b ∈ {0…3} of
// pixel (8a+r, 8b+c), the average of the sixteen 8×8 tiles (spec Appendix A 16); blockAverage
// true gives the 4×4 block averages the weight assembly assumes (pixels 4r…4r+3, 4c…4c+3).
func Extract(x *dataset.Matrix[float32], p Patch, blockAverage bool) (*dataset.Matrix[float32], error) {
	if x.Cols != ImageSize {
		return nil, fmt.Errorf("patches: %d columns, want %d (32×32×3 images)", x.Cols, ImageSize)
	}
	out := dataset.NewMatrix[float32](x.Rows, PatchSize)
	for n := 0; n < x.Rows; n++ {
		img, dst := x.Row(n), out.Row(n)
		for c := 0; c < Channels; c++ {
			for r := 0; r < PatchSide; r++ {
				for q := 0; q < PatchSide; q++ {
					k := c*PatchSide*PatchSide + r*PatchSide + q
					if !p.Coarse {
						dst[k] = img[c*Side*Side+(p.Row+r)*Side+p.Col+q]
						continue
					}
					var sum float32
					for a := 0; a < 4; a++ {
						for b := 0; b < 4; b++ {
							row, col := 8*a+r, 8*b+q
							if blockAverage {
								row, col = 4*r+a, 4*q+b
							}
							sum += img[c*Side*Side+row*Side+col]
						}
					}
					dst[k] = sum / 16
				}
			}
		}
	}
	return out, nil
}

// A Small is a trained patch RBM: W is PatchSize×nh row-major (visible-major), VB its PatchSize
// visible biases and HB its nh hidden biases.
type Small struct {
	W, VB, HB []float64
}

// Assemble builds the large Gaussian RBM's initial weights from the 26 patch RBMs (in Layout's
// order, each with nh hidden units), as the original's make_large_weights: W (ImageSize×26·nh
// row-major) starts as uniform noise in [0, 5e-6) (seeded; the original draws numpy's
// RandomState(1234), whose numbers Go cannot reproduce), hidden block id gets patch RBM id's
// weights at its patch and its hidden biases; the coarse RBM's weight of coarse pixel (i, j) goes,
// divided by 16, to every pixel of the 4×4 block at rows 4i…, cols 4j…; visible biases add up
// where patches overlap (the coarse one's divided by 16), then are halved, and interior pixels
// (rows and cols 4…27, covered by an offset patch too) divided by 1.5 more.
func Assemble(small []Small, nh int, seed uint64) (w, vb, hb []float64, err error) {
	if len(small) != Count {
		return nil, nil, nil, fmt.Errorf("patches: %d patch RBMs, want %d", len(small), Count)
	}
	for i, s := range small {
		if len(s.W) != PatchSize*nh || len(s.VB) != PatchSize || len(s.HB) != nh {
			return nil, nil, nil, fmt.Errorf("patches: RBM %d has %d weights, %d visible and %d hidden biases; want %d, %d, %d",
				i, len(s.W), len(s.VB), len(s.HB), PatchSize*nh, PatchSize, nh)
		}
	}
	H := Count * nh
	w = make([]float64, ImageSize*H)
	r := rand.New(rand.NewPCG(seed, 1234))
	for i := range w {
		w[i] = r.Float64() * 5e-6
	}
	vb, hb = make([]float64, ImageSize), make([]float64, H)
	pix := func(c, row, col int) int { return c*Side*Side + row*Side + col }
	for _, p := range Layout() {
		s, base := small[p.ID], p.ID*nh
		copy(hb[base:base+nh], s.HB)
		for c := 0; c < Channels; c++ {
			for r := 0; r < PatchSide; r++ {
				for q := 0; q < PatchSide; q++ {
					k := c*PatchSide*PatchSide + r*PatchSide + q
					if !p.Coarse {
						v := pix(c, p.Row+r, p.Col+q)
						copy(w[v*H+base:v*H+base+nh], s.W[k*nh:(k+1)*nh])
						vb[v] += s.VB[k]
						continue
					}
					for a := 0; a < 4; a++ {
						for b := 0; b < 4; b++ {
							v := pix(c, 4*r+a, 4*q+b)
							for h := 0; h < nh; h++ {
								w[v*H+base+h] = s.W[k*nh+h] / 16
							}
							vb[v] += s.VB[k] / 16
						}
					}
				}
			}
		}
	}
	for c := 0; c < Channels; c++ {
		for row := 0; row < Side; row++ {
			for col := 0; col < Side; col++ {
				v := pix(c, row, col)
				vb[v] /= 2
				if row >= 4 && row < Side-4 && col >= 4 && col < Side-4 {
					vb[v] /= 1.5
				}
			}
		}
	}
	return w, vb, hb, nil
}

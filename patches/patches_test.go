package patches

import (
	"math"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

func TestLayout(t *testing.T) {
	ps := Layout()
	if len(ps) != Count {
		t.Fatalf("%d patches", len(ps))
	}
	cover := make([]int, Side*Side) // how many of ids 0–24 cover each pixel
	for i, p := range ps {
		if p.ID != i {
			t.Fatalf("patch %d has id %d", i, p.ID)
		}
		if p.Coarse != (i == 25) {
			t.Errorf("patch %d coarse = %v", i, p.Coarse)
		}
		if p.Coarse {
			continue
		}
		for r := p.Row; r < p.Row+PatchSide; r++ {
			for c := p.Col; c < p.Col+PatchSide; c++ {
				cover[r*Side+c]++
			}
		}
	}
	for r := 0; r < Side; r++ {
		for c := 0; c < Side; c++ {
			want := 1
			if r >= 4 && r < 28 && c >= 4 && c < 28 {
				want = 2 // the 4×4 grid and the offset 3×3 grid
			}
			if cover[r*Side+c] != want {
				t.Fatalf("pixel (%d, %d) covered by %d patches, want %d", r, c, cover[r*Side+c], want)
			}
		}
	}
	if ps[5].Row != 8 || ps[5].Col != 8 || ps[16].Row != 4 || ps[24].Row != 20 || ps[24].Col != 20 {
		t.Errorf("patch positions: 5 at (%d, %d), 16 at %d, 24 at (%d, %d)", ps[5].Row, ps[5].Col, ps[16].Row, ps[24].Row, ps[24].Col)
	}
	if Seed(3, 100) != 9003 || Seed(20, 100) != 120 || Seed(25, 100) != 9025 {
		t.Error("seeds differ from the original's")
	}
}

// TestExtract uses an image whose pixel values are their own channel-major indices.
func TestExtract(t *testing.T) {
	x := dataset.NewMatrix[float32](2, ImageSize)
	for i := range x.Data {
		x.Data[i] = float32(i % ImageSize)
	}
	idx := func(c, r, q float64) float64 { return c*Side*Side + r*Side + q }
	ps := Layout()
	p5, err := Extract(x, ps[5], false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := float64(p5.Row(1)[1*64+2*8+3]), idx(1, 8+2, 8+3); got != want {
		t.Errorf("patch 5 (c 1, r 2, col 3) = %g, want pixel %g", got, want)
	}
	quirk, _ := Extract(x, ps[25], false)
	block, _ := Extract(x, ps[25], true)
	// The original: the mean over the sixteen 8×8 tiles, pixel (8a+r, 8b+c): rows average to 12+r.
	if got, want := float64(quirk.Row(0)[2*64+3*8+5]), idx(2, 12+3, 12+5); got != want {
		t.Errorf("coarse (original) = %g, want %g", got, want)
	}
	// Block averages: pixels 4r…4r+3, 4c…4c+3 average to 4r+1.5.
	if got, want := float64(block.Row(0)[2*64+3*8+5]), idx(2, 4*3+1.5, 4*5+1.5); got != want {
		t.Errorf("coarse (block average) = %g, want %g", got, want)
	}
	if _, err := Extract(dataset.NewMatrix[float32](1, 10), ps[0], false); err == nil {
		t.Error("Extract accepted 10 columns")
	}
}

// TestAssemble places coded weights and checks where each lands.
func TestAssemble(t *testing.T) {
	const nh = 2
	small := make([]Small, Count)
	for i := range small {
		s := Small{W: make([]float64, PatchSize*nh), VB: make([]float64, PatchSize), HB: []float64{float64(i), float64(i) + 0.5}}
		for k := 0; k < PatchSize; k++ {
			s.VB[k] = 1
			for h := 0; h < nh; h++ {
				s.W[k*nh+h] = float64(1000*i + 10*k + h)
			}
		}
		small[i] = s
	}
	w, vb, hb, err := Assemble(small, nh, 1)
	if err != nil {
		t.Fatal(err)
	}
	H := Count * nh
	pix := func(c, r, q int) int { return c*Side*Side + r*Side + q }
	// Patch 5 (rows 8…, cols 8…): channel 1, patch pixel (2, 3) → image pixel (10, 11).
	k := 1*64 + 2*8 + 3
	if got := w[pix(1, 10, 11)*H+5*nh+1]; got != float64(5000+10*k+1) {
		t.Errorf("patch 5 weight = %g, want %d", got, 5000+10*k+1)
	}
	// The coarse RBM: coarse pixel (2, 1) of channel 0 covers rows 8…11, cols 4…7, divided by 16.
	k = 0*64 + 2*8 + 1
	for _, rc := range [][2]int{{8, 4}, {11, 7}} {
		if got, want := w[pix(0, rc[0], rc[1])*H+25*nh], float64(25000+10*k)/16; got != want {
			t.Errorf("coarse weight at (%d, %d) = %g, want %g", rc[0], rc[1], got, want)
		}
	}
	// Elsewhere in a block: small positive noise.
	if v := w[pix(0, 0, 0)*H+5*nh]; !(v >= 0 && v < 5e-6) {
		t.Errorf("weight outside patch 5's pixels = %g, want noise in [0, 5e-6)", v)
	}
	if hb[5*nh+1] != 5.5 || hb[25*nh] != 25 {
		t.Errorf("hidden biases %g, %g; want 5.5 and 25", hb[5*nh+1], hb[25*nh])
	}
	// Visible biases: border pixel (0, 0) has patch 0 and the coarse one: (1 + 1/16)/2; interior
	// pixel (10, 10) has patches 5 and 16 and the coarse one: (2 + 1/16)/2/1.5.
	if got, want := vb[pix(0, 0, 0)], (1+1.0/16)/2; math.Abs(got-want) > 1e-15 {
		t.Errorf("border visible bias %g, want %g", got, want)
	}
	if got, want := vb[pix(2, 10, 10)], (2+1.0/16)/2/1.5; math.Abs(got-want) > 1e-15 {
		t.Errorf("interior visible bias %g, want %g", got, want)
	}
	if _, _, _, err := Assemble(small[:25], nh, 1); err == nil {
		t.Error("Assemble accepted 25 RBMs")
	}
}

package dataset

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomImages returns n random h×w×c images.
func randomImages(n, h, w, c int, seed uint64) *Images {
	r := rand.New(rand.NewPCG(seed, 7))
	im := &Images{N: n, Height: h, Width: w, Channels: c, Pix: make([]uint8, n*h*w*c)}
	for i := range im.Pix {
		im.Pix[i] = uint8(r.IntN(256))
	}
	return im
}

// TestPixelMatrixReadsAsToMatrix checks that a PixelMatrix's rows, split, slices, copy and
// means are exactly those of the float32 matrix ToMatrix makes of the same images.
func TestPixelMatrixReadsAsToMatrix(t *testing.T) {
	im := randomImages(57, 3, 4, 1, 1)
	f := ToMatrix[float32](im)
	every := make([]int, im.N)
	for i := range every {
		every[i] = i
	}
	px := PixelsOf(&Images{N: im.N, Height: 3, Width: 4, Channels: 1, Pix: slices.Clone(im.Pix)})
	if err := px.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := px.AppendRows(nil, every); !slices.Equal(got, f.Data) {
		t.Fatalf("AppendRows differs from ToMatrix[float32]")
	}
	if got := px.Float32(); !slices.Equal(got.Data, f.Data) || got.Rows != f.Rows || got.Cols != f.Cols {
		t.Fatalf("Float32 differs from ToMatrix[float32]")
	}
	// Mean: the column sums of the float32 values in float64, over the rows.
	for j, m := range px.Mean() {
		var s float64
		for i := range f.Rows {
			s += float64(f.Row(i)[j])
		}
		if m != s/float64(f.Rows) {
			t.Fatalf("Mean[%d] = %v, want %v", j, m, s/float64(f.Rows))
		}
	}
	train, val, err := SplitInPlace(f, 40, 10, 42)
	if err != nil {
		t.Fatal(err)
	}
	ptrain, pval, err := SplitPixelsInPlace(px, 40, 10, 42)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ptrain.Float32().Data, train.Data) || !slices.Equal(pval.Float32().Data, val.Data) {
		t.Fatalf("SplitPixelsInPlace orders the rows unlike SplitInPlace")
	}
	if got := ptrain.AppendRows(nil, []int{39, 0, 39}); !slices.Equal(got, slices.Concat(train.Row(39), train.Row(0), train.Row(39))) {
		t.Fatalf("AppendRows of a gather differs")
	}
	if px.FirstNonFinite() != -1 {
		t.Fatalf("FirstNonFinite of pixels is not -1")
	}
	if _, _, err := SplitPixelsInPlace(px, 50, 10, 42); err == nil {
		t.Errorf("a split of 57 rows into 50 + 10 gave no error")
	}
	bad := &PixelMatrix{Rows: 2, Cols: 3, Data: make([]uint8, 5)}
	if err := bad.Validate(); !errors.Is(err, ErrShape) {
		t.Errorf("Validate of a 2×3 matrix of 5 values: %v", err)
	}
	if PixelsOf(&Images{N: 2, Height: 2, Width: 2, Channels: 1, Pix: make([]uint8, 7)}) != nil {
		t.Errorf("PixelsOf of malformed images is not nil")
	}
}

package pipeline_test

import (
	"errors"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/pipeline"
)

// TestParseMask checks each kind of mask on 4×2 images of 2 channels, and the refused specs.
func TestParseMask(t *testing.T) {
	shape := []int{4, 2, 2}
	b := func(s string) []bool {
		out := make([]bool, len(s))
		for i, c := range s {
			out[i] = c == '1'
		}
		return out
	}
	for spec, want := range map[string][]bool{
		"top":    b("1111000011110000"),
		"bottom": b("0000111100001111"),
		"left":   b("1010101010101010"),
		"right":  b("0101010101010101"),
	} {
		got, err := pipeline.ParseMask(spec, shape, 3, 1)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseMask(%q) = %v, %v; want %v", spec, got, err, want)
		}
	}
	r, err := pipeline.ParseMask("random:0.25", shape, 300, 1)
	if err != nil || len(r) != 300*16 {
		t.Fatalf("random:0.25: %d entries, %v", len(r), err)
	}
	given := 0
	for _, g := range r {
		if g {
			given++
		}
	}
	// 4800 Bernoulli(0.25) draws: standard deviation 30.
	if math.Abs(float64(given)-1200) > 120 {
		t.Errorf("random:0.25 gave %d of 4800 units", given)
	}
	dir := t.TempDir()
	writePNG := func(name string, w, h int) string {
		img := image.NewGray(image.Rect(0, 0, w, h))
		img.Pix[0] = 255
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		return p
	}
	got, err := pipeline.ParseMask(writePNG("ok.png", 2, 4), shape, 1, 1)
	if err != nil || !slices.Equal(got, b("1000000010000000")) {
		t.Errorf("a PNG mask: %v, %v", got, err)
	}
	for _, spec := range []string{"middle", "random:1", "random:x", writePNG("small.png", 4, 2), filepath.Join(dir, "none.png")} {
		var fe *pipeline.FieldError
		if _, err := pipeline.ParseMask(spec, shape, 1, 1); !errors.As(err, &fe) || fe.Field != "Mask" {
			t.Errorf("ParseMask(%q): %v, want a FieldError on Mask", spec, err)
		}
	}
}

// TestMissingError checks the completion error, the baseline fill and the classifier table on
// numbers worked out by hand.
func TestMissingError(t *testing.T) {
	x := &dataset.Matrix[float32]{Rows: 2, Cols: 3, Data: []float32{1, 0, 1, 0, 1, 0}}
	mask := []bool{true, false, false}
	got := &dataset.Matrix[float64]{Rows: 2, Cols: 3, Data: []float64{9, 0.5, 1, 9, 1, 0.25}}
	mse, n := pipeline.MissingError(x, mask, got)
	// Missing: (0.5−0)², (1−1)², (1−1)², (0.25−0)² over 4 units.
	if want := (0.25 + 0.0625) / 4; n != 4 || math.Abs(mse-want) > 1e-15 {
		t.Errorf("MissingError = %g over %d, want %g over 4", mse, n, want)
	}
	means := pipeline.ColumnMeans(x)
	if !slices.Equal(means, []float64{0.5, 0.5, 0.5}) {
		t.Errorf("ColumnMeans = %v", means)
	}
	f := pipeline.Fill(x, mask, func(i, j int) float64 { return float64(10*i + j) })
	if !slices.Equal(f.Data, []float64{1, 1, 2, 0, 11, 12}) {
		t.Errorf("Fill = %v", f.Data)
	}
	// A 1-NN classifier on the training rows reads the truth perfectly.
	r, err := pipeline.ClassifyCompleted(&classify.KNN{K: 1}, x, []int{0, 1}, x, []int{0, 1}, mask, []string{"c"}, []*dataset.Matrix[float64]{f})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Names, []string{"truth", "blank", "pixel means", "c"}) || r.Errors[0] != 0 || r.TrainRows != 2 {
		t.Errorf("ClassifyCompleted = %+v", r)
	}
	if _, err := pipeline.ClassifyCompleted(&classify.KNN{K: 1}, x, []int{0, 1}, x, []int{0, 1}, mask, nil, []*dataset.Matrix[float64]{f}); err == nil {
		t.Error("no names for one completion: no error")
	}
}

package picture

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScatter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tsne.png")
	const n = 3000
	x, y, labels := make([]float64, n), make([]float64, n), make([]int, n)
	for i := range n {
		labels[i] = i % 10
		a := 2 * math.Pi * float64(labels[i]) / 10
		r := 1 + 0.3*math.Sin(float64(i)*1.7)
		x[i], y[i] = 10*math.Cos(a)+r*math.Cos(float64(i)), 10*math.Sin(a)+r*math.Sin(float64(i))
	}
	names := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	if err := Scatter(path, "t-SNE of rings", x, y, labels, names, 0); err != nil {
		t.Fatal(err)
	}
	checkChart(t, path, 1000, 850)
	noTempFiles(t, dir, "tsne.png")
	// Every class colour appears.
	img := decodePNG(t, path)
	found := map[int]bool{}
	b := img.Bounds()
	for py := b.Min.Y; py < b.Max.Y; py++ {
		for px := b.Min.X; px < b.Max.X; px++ {
			r, g, bl, _ := img.At(px, py).RGBA()
			for c, col := range classColors {
				if uint8(r>>8) == col.R && uint8(g>>8) == col.G && uint8(bl>>8) == col.B {
					found[c] = true
				}
			}
		}
	}
	if len(found) != 10 {
		t.Errorf("%d of the 10 class colours drawn", len(found))
	}
	if os.Getenv("PICTURE_KEEP") != "" {
		data, _ := os.ReadFile(path)
		os.WriteFile(filepath.Join(os.Getenv("PICTURE_KEEP"), "scatter.png"), data, 0o644)
	}
}

func TestScatterBadInput(t *testing.T) {
	dir := t.TempDir()
	names := []string{"a", "b"}
	for _, tc := range []struct {
		name    string
		x, y    []float64
		labels  []int
		wantErr string
	}{
		{"lengths", []float64{1, 2}, []float64{1}, []int{0, 1}, "1 y"},
		{"empty", nil, nil, nil, "no points"},
		{"label", []float64{1, 2}, []float64{1, 2}, []int{0, 2}, "label 2"},
		{"NaN", []float64{1, math.NaN()}, []float64{1, 2}, []int{0, 1}, "point 1"},
	} {
		err := Scatter(filepath.Join(dir, tc.name+".png"), "", tc.x, tc.y, tc.labels, names, 0)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: err %v, want one containing %q", tc.name, err, tc.wantErr)
		}
	}
}

package picture

import (
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHeatmap(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "confusion.png")
	// A 3-class confusion matrix: rows are true classes, columns predicted.
	values := []float64{
		50, 2, 0,
		5, 40, 7,
		1, 3, 45,
	}
	labels := []string{"zero", "one", "two"}
	if err := Heatmap(path, "Confusion matrix", 3, 3, values, labels, labels); err != nil {
		t.Fatal(err)
	}
	checkChart(t, path, 300, 300)
	noTempFiles(t, dir, "confusion.png")
	if os.Getenv("PICTURE_KEEP") != "" {
		data, _ := os.ReadFile(path)
		os.WriteFile(filepath.Join(os.Getenv("PICTURE_KEEP"), "heatmap.png"), data, 0o644)
	}
}

func TestHeatmapOddValues(t *testing.T) {
	// Non-square, fractional, NaN, ±Inf and default labels.
	path := filepath.Join(t.TempDir(), "odd.png")
	values := []float64{0.125, math.NaN(), math.Inf(1), -0.5, 1e-9, math.Inf(-1)}
	if err := Heatmap(path, "odd", 2, 3, values, nil, nil); err != nil {
		t.Fatal(err)
	}
	checkChart(t, path, 200, 200)
	// A constant matrix has no range but must still draw.
	path = filepath.Join(t.TempDir(), "const.png")
	if err := Heatmap(path, "const", 1, 1, []float64{4}, nil, nil); err != nil {
		t.Fatal(err)
	}
	checkChart(t, path, 100, 100)
}

func TestHeatmapErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.png")
	for _, tc := range []struct {
		name       string
		rows, cols int
		values     []float64
		rl, cl     []string
		want       string
	}{
		{"zero rows", 0, 2, nil, nil, nil, "0×2"},
		{"short values", 2, 2, make([]float64, 3), nil, nil, "len(values) = 3"},
		{"row labels", 2, 2, make([]float64, 4), []string{"a"}, nil, "1 row and 2 column labels"},
		{"col labels", 2, 2, make([]float64, 4), nil, []string{"a", "b", "c"}, "2 row and 3 column labels"},
		{"all NaN", 1, 2, []float64{math.NaN(), math.Inf(1)}, nil, nil, "no finite values"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Heatmap(path, "t", tc.rows, tc.cols, tc.values, tc.rl, tc.cl)
			if err == nil || !strings.HasPrefix(err.Error(), "picture: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Heatmap = %v, want error mentioning %q", err, tc.want)
			}
		})
	}
	noTempFiles(t, dir)
}

func TestFormatCell(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{42, "42"}, {-3, "-3"}, {0, "0"}, {0.123456, "0.123"}, {1e7, "1e+07"},
		{2.5e-6, "2.5e-06"}, {math.NaN(), "NaN"}, {math.Inf(1), "+Inf"}, {math.Inf(-1), "-Inf"},
	} {
		if got := formatCell(tc.v); got != tc.want {
			t.Errorf("formatCell(%g) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestHeatGridOrientation(t *testing.T) {
	// Matrix row 0 is drawn at the top, i.e. at the highest plot row.
	g := heatGrid{rows: 2, cols: 3, values: []float64{1, 2, 3, 4, 5, 6}}
	if c, r := g.Dims(); c != 3 || r != 2 {
		t.Fatalf("Dims = %d, %d; want 3, 2", c, r)
	}
	if g.Z(0, 1) != 1 || g.Z(2, 1) != 3 || g.Z(0, 0) != 4 || g.Z(2, 0) != 6 {
		t.Errorf("Z does not put row 0 on top: %v %v %v %v", g.Z(0, 1), g.Z(2, 1), g.Z(0, 0), g.Z(2, 0))
	}
	pal := bluePalette()
	if len(pal.Colors()) != 256 || pal.colors[0] != (color.RGBA{247, 251, 255, 255}) || pal.colors[255] != (color.RGBA{8, 48, 107, 255}) {
		t.Errorf("palette ends %v, %v", pal.colors[0], pal.colors[255])
	}
}

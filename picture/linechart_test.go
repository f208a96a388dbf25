package picture

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkChart checks that path is a PNG of at least minW×minH pixels with
// more than a handful of distinct colors (so something was drawn).
func checkChart(t *testing.T, path string, minW, minH int) {
	t.Helper()
	img := decodePNG(t, path)
	b := img.Bounds()
	if b.Dx() < minW || b.Dy() < minH {
		t.Errorf("%s is %dx%d, want at least %dx%d", path, b.Dx(), b.Dy(), minW, minH)
	}
	colors := make(map[[4]uint32]bool)
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			colors[[4]uint32{r, g, bl, a}] = true
		}
	}
	if len(colors) < 10 {
		t.Errorf("%s has only %d distinct colors; nothing drawn?", path, len(colors))
	}
}

func TestLineChart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "loss.png")
	n := 50
	x := make([]float64, n)
	train, valid := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = float64(i)
		train[i] = 2 * math.Exp(-float64(i)/10)
		valid[i] = train[i] + 0.1 + 0.05*math.Sin(float64(i))
	}
	valid[10], valid[11] = math.NaN(), math.Inf(1) // skipped
	err := LineChart(path, "Reconstruction error", "epoch", "error",
		Series{Name: "train", X: x, Y: train},
		Series{Name: "validation", X: x, Y: valid},
		Series{Name: "best", X: []float64{30, math.NaN()}, Y: []float64{0.2, 1}}, // one point
	)
	if err != nil {
		t.Fatal(err)
	}
	checkChart(t, path, 800, 500)
	noTempFiles(t, dir, "loss.png")
	if os.Getenv("PICTURE_KEEP") != "" {
		data, _ := os.ReadFile(path)
		os.WriteFile(filepath.Join(os.Getenv("PICTURE_KEEP"), "linechart.png"), data, 0o644)
	}
}

func TestLineChartConstant(t *testing.T) {
	// A flat curve has a zero y range; the chart must still be drawn.
	path := filepath.Join(t.TempDir(), "flat.png")
	if err := LineChart(path, "", "", "", Series{X: []float64{0, 1, 2}, Y: []float64{3, 3, 3}}); err != nil {
		t.Fatal(err)
	}
	checkChart(t, path, 800, 500)
}

func TestLineChartErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		series []Series
		want   string
	}{
		{"no series", nil, "no series"},
		{"length mismatch", []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1}}}, `series 0 ("a") has 2 x and 1 y`},
		{"no points", []Series{{Name: "a"}}, "no finite points"},
		{"only NaN", []Series{{Name: "a", X: []float64{1, math.NaN()}, Y: []float64{math.NaN(), 2}}}, "no finite points"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "bad.png")
			err := LineChart(path, "t", "x", "y", tc.series...)
			if err == nil || !strings.HasPrefix(err.Error(), "picture: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LineChart = %v, want error mentioning %q", err, tc.want)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("failed LineChart left %s behind", path)
			}
		})
	}
	noTempFiles(t, dir)
}

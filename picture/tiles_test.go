package picture

import (
	"image"
	"image/color"
	"math"
	"strings"
	"testing"
)

// grayRows returns the pixels of g as rows, for readable failures.
func grayRows(g *image.Gray) [][]uint8 {
	b := g.Bounds()
	rows := make([][]uint8, b.Dy())
	for y := range rows {
		rows[y] = append([]uint8(nil), g.Pix[y*g.Stride:y*g.Stride+b.Dx()]...)
	}
	return rows
}

func equalRows(a, b [][]uint8) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if string(a[i]) != string(b[i]) {
			return false
		}
	}
	return true
}

const S = Separator

func TestTilesGrayExact(t *testing.T) {
	// Two 2×2 tiles; values in [0, 1] so clipping does not bite, except
	// 1.5 and -0.25 which clip to 255 and 0.
	data := []float64{
		0, 1, // tile 0, row 0
		0.5, 0.2, // tile 0, row 1
		1.5, -0.25, // tile 1
		0.4, 0.6,
	}
	for _, tc := range []struct {
		name string
		cols int
		want [][]uint8
	}{
		// round(0.5·255) = 128, round(0.2·255) = 51, 0.4 → 102, 0.6 → 153.
		{"one row", 2, [][]uint8{
			{0, 255, S, 255, 0},
			{128, 51, S, 102, 153},
		}},
		{"cols larger than n", 5, [][]uint8{
			{0, 255, S, 255, 0},
			{128, 51, S, 102, 153},
		}},
		{"one column", 1, [][]uint8{
			{0, 255},
			{128, 51},
			{S, S},
			{255, 0},
			{102, 153},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Tiles(data, 2, 2, 2, 1, tc.cols, false)
			if err != nil {
				t.Fatal(err)
			}
			g, ok := img.(*image.Gray)
			if !ok {
				t.Fatalf("Tiles returned %T, want *image.Gray", img)
			}
			if got := grayRows(g); !equalRows(got, tc.want) {
				t.Errorf("pixels = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTilesGridFill(t *testing.T) {
	// Three 1×1 tiles on two columns: the fourth cell is separator gray.
	img, err := Tiles([]float64{0, 1, 0.2}, 3, 1, 1, 1, 2, false)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]uint8{
		{0, S, 255},
		{S, S, S},
		{51, S, S},
	}
	if got := grayRows(img.(*image.Gray)); !equalRows(got, want) {
		t.Errorf("pixels = %v, want %v", got, want)
	}
}

func TestTilesNormalize(t *testing.T) {
	// Tile 0 spans [-2, 2]: -2 → 0, 0 → 128 (127.5 rounds up), 1 → 191
	// (191.25), 2 → 255. Tile 1 is constant → all 0. Tile 2 has NaN
	// (→ 0) and ±Inf (→ 255, 0) around finite 3 and 5 (→ 0, 255).
	data := []float64{
		-2, 0, 1, 2,
		7, 7, 7, 7,
		3, math.NaN(), math.Inf(1), 5,
	}
	img, err := Tiles(data, 3, 1, 4, 1, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]uint8{
		{0, 128, 191, 255},
		{S, S, S, S},
		{0, 0, 0, 0},
		{S, S, S, S},
		{0, 0, 255, 255},
	}
	if got := grayRows(img.(*image.Gray)); !equalRows(got, want) {
		t.Errorf("pixels = %v, want %v", got, want)
	}
	// Without normalize, the same data clips to [0, 1].
	img, err = Tiles(data, 3, 1, 4, 1, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	want[0] = []uint8{0, 0, 255, 255}
	want[2] = []uint8{255, 255, 255, 255}
	want[4] = []uint8{255, 0, 255, 255}
	if got := grayRows(img.(*image.Gray)); !equalRows(got, want) {
		t.Errorf("clipped pixels = %v, want %v", got, want)
	}
}

func TestTilesRGB(t *testing.T) {
	// Two 1×2 RGB tiles, channel-major: R plane, G plane, B plane.
	data := []float64{
		1, 0 /* R */, 0, 1 /* G */, 0, 0.2, /* B */
		0, 0, 0, 0, 1, 1, // tile 1: pure blue
	}
	img, err := Tiles(data, 2, 1, 2, 3, 2, false)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := img.(*image.RGBA)
	if !ok {
		t.Fatalf("Tiles returned %T, want *image.RGBA", img)
	}
	if b := m.Bounds(); b.Dx() != 5 || b.Dy() != 1 {
		t.Fatalf("size %v, want 5×1", b.Size())
	}
	want := []color.RGBA{
		{255, 0, 0, 255}, {0, 255, 51, 255}, {S, S, S, 255}, {0, 0, 255, 255}, {0, 0, 255, 255},
	}
	for x, w := range want {
		if got := m.RGBAAt(x, 0); got != w {
			t.Errorf("pixel %d = %v, want %v", x, got, w)
		}
	}
	// Normalizing works on the whole tile, across channels: tile 0 has
	// min 0 and max 1 already, so nothing changes; the blue tile keeps
	// its 0s and 1s.
	img, err = Tiles(data, 2, 1, 2, 3, 2, true)
	if err != nil {
		t.Fatal(err)
	}
	for x, w := range want {
		if got := img.(*image.RGBA).RGBAAt(x, 0); got != w {
			t.Errorf("normalized pixel %d = %v, want %v", x, got, w)
		}
	}
}

func TestTilesErrors(t *testing.T) {
	for _, tc := range []struct {
		name             string
		data             []float64
		n, h, w, c, cols int
		wantInMessage    string
	}{
		{"short data", make([]float64, 7), 2, 2, 2, 1, 2, "len(data) = 7"},
		{"long data", make([]float64, 9), 2, 2, 2, 1, 2, "len(data) = 9"},
		{"two channels", make([]float64, 16), 2, 2, 2, 2, 2, "2 channels"},
		{"zero columns", make([]float64, 8), 2, 2, 2, 1, 0, "0 columns"},
		{"negative n", nil, -1, 2, 2, 1, 1, "n, h, w"},
		{"zero height", nil, 1, 0, 2, 1, 1, "n, h, w"},
		{"overflow", make([]float64, 4), math.MaxInt / 2, 4, 4, 1, 1, "len(data) = 4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Tiles(tc.data, tc.n, tc.h, tc.w, tc.c, tc.cols, false)
			if err == nil {
				t.Fatalf("Tiles succeeded with %T, want error", img)
			}
			if !strings.HasPrefix(err.Error(), "picture: ") || !strings.Contains(err.Error(), tc.wantInMessage) {
				t.Errorf("error %q, want it to start with picture: and mention %q", err, tc.wantInMessage)
			}
		})
	}
}

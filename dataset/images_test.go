package dataset

import (
	"errors"
	"testing"
)

func TestToMatrix(t *testing.T) {
	im := &Images{N: 2, Height: 1, Width: 3, Channels: 1, Pix: []uint8{0, 255, 51, 1, 128, 254}}
	m64 := ToMatrix[float64](im)
	want64 := []float64{0, 1, 0.2, 1.0 / 255, 128.0 / 255, 254.0 / 255}
	if m64.Rows != 2 || m64.Cols != 3 || !equalSlices(m64.Data, want64) {
		t.Errorf("ToMatrix[float64] = %d×%d %v, want 2×3 %v", m64.Rows, m64.Cols, m64.Data, want64)
	}
	m32 := ToMatrix[float32](im)
	for i, w := range want64 {
		if m32.Data[i] != float32(w) { // correctly rounded from float64
			t.Errorf("ToMatrix[float32].Data[%d] = %g, want %g", i, m32.Data[i], float32(w))
		}
	}
	if ToMatrix[float32](&Images{N: 1, Height: 2, Width: 2, Channels: 1, Pix: []uint8{1}}) != nil {
		t.Errorf("ToMatrix of malformed images is not nil")
	}
}

func TestImagesDimAndImage(t *testing.T) {
	im := &Images{N: 2, Height: 2, Width: 3, Channels: 2, Pix: seq(24, 0, 1)}
	if im.Dim() != 12 {
		t.Fatalf("Dim() = %d, want 12", im.Dim())
	}
	if got := im.Image(1); !equalSlices(got, seq(12, 12, 1)) {
		t.Errorf("Image(1) = %v", got)
	}
	g := im.Gather([]int{1, 1, 0})
	if g.N != 3 || !equalSlices(g.Pix, append(append(seq(12, 12, 1), seq(12, 12, 1)...), seq(12, 0, 1)...)) {
		t.Errorf("Gather = N %d %v", g.N, g.Pix)
	}
}

func TestImagesValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		im   *Images
		ok   bool
	}{
		{"nil", nil, false},
		{"zero height", &Images{N: 1, Height: 0, Width: 1, Channels: 1}, false},
		{"negative N", &Images{N: -1, Height: 1, Width: 1, Channels: 1}, false},
		{"short pix", &Images{N: 2, Height: 2, Width: 2, Channels: 1, Pix: make([]uint8, 7)}, false},
		{"ok", &Images{N: 2, Height: 2, Width: 2, Channels: 3, Pix: make([]uint8, 24)}, true},
		{"no images", &Images{N: 0, Height: 28, Width: 28, Channels: 1}, true},
	} {
		err := tc.im.Validate()
		if tc.ok != (err == nil) || (err != nil && !errors.Is(err, ErrShape)) {
			t.Errorf("%s: Validate() = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

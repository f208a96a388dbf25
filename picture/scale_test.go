package picture

import (
	"image"
	"image/color"
	"testing"
)

func TestScaleGray(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 2, 1))
	src.Pix[0], src.Pix[1] = 10, 200
	out, ok := Scale(src, 3).(*image.Gray)
	if !ok {
		t.Fatalf("Scale(*image.Gray) is not *image.Gray")
	}
	if b := out.Bounds(); b != image.Rect(0, 0, 6, 3) {
		t.Fatalf("bounds %v, want (0,0)-(6,3)", b)
	}
	for y := 0; y < 3; y++ {
		for x := 0; x < 6; x++ {
			want := uint8(10)
			if x >= 3 {
				want = 200
			}
			if got := out.GrayAt(x, y).Y; got != want {
				t.Errorf("pixel (%d,%d) = %d, want %d", x, y, got, want)
			}
		}
	}
}

func TestScaleSubImageAndRGBA(t *testing.T) {
	// A sub-image with a non-zero origin, of a non-RGBA type.
	big := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	big.Set(2, 1, color.NRGBA{255, 0, 0, 255})
	big.Set(3, 1, color.NRGBA{0, 0, 255, 255})
	sub := big.SubImage(image.Rect(2, 1, 4, 2))
	out, ok := Scale(sub, 2).(*image.RGBA)
	if !ok {
		t.Fatalf("Scale(*image.NRGBA) is not *image.RGBA")
	}
	if b := out.Bounds(); b != image.Rect(0, 0, 4, 2) {
		t.Fatalf("bounds %v, want (0,0)-(4,2)", b)
	}
	red, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}
	for y := 0; y < 2; y++ {
		for x, want := range []color.RGBA{red, red, blue, blue} {
			if got := out.RGBAAt(x, y); got != want {
				t.Errorf("pixel (%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
	// Gray sub-images keep their origin offset right too.
	g := image.NewGray(image.Rect(0, 0, 3, 3))
	g.SetGray(1, 2, color.Gray{99})
	gs := Scale(g.SubImage(image.Rect(1, 2, 2, 3)), 2).(*image.Gray)
	for _, p := range gs.Pix {
		if p != 99 {
			t.Errorf("scaled gray sub-image pixels %v, want all 99", gs.Pix)
			break
		}
	}
}

func TestScaleNoOp(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 2, 2))
	for _, k := range []int{-1, 0, 1} {
		if got := Scale(src, k); got != image.Image(src) {
			t.Errorf("Scale(img, %d) returned a new image, want img", k)
		}
	}
	if Scale(nil, 3) != nil {
		t.Error("Scale(nil, 3) != nil")
	}
}

func TestScaleFactor(t *testing.T) {
	for _, tc := range []struct{ w, h, k, want int }{
		{2, 2, 3, 3},
		{2, 2, 1 << 40, 8192},          // 4·8192² = 2^28
		{3, 1, 1 << 62, 9459},          // floor(sqrt(2^28/3))
		{1 << 20, 1 << 9, 2, 1},        // already 2^29 pixels
		{1 << 14, 1 << 14, 1 << 30, 1}, // exactly 2^28, cannot grow
	} {
		got := scaleFactor(tc.w, tc.h, tc.k)
		if got != tc.want {
			t.Errorf("scaleFactor(%d, %d, %d) = %d, want %d", tc.w, tc.h, tc.k, got, tc.want)
		}
		if got > 1 && tc.w*tc.h*got*got > MaxScaledPixels {
			t.Errorf("scaleFactor(%d, %d, %d) = %d exceeds MaxScaledPixels", tc.w, tc.h, tc.k, got)
		}
	}
}

package dataset

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

// img3x3 is the single-channel image
//
//	1 2 3
//	4 5 6
//	7 8 9
var img3x3 = &Images{N: 1, Height: 3, Width: 3, Channels: 1, Pix: []uint8{1, 2, 3, 4, 5, 6, 7, 8, 9}}

func TestShift3x3(t *testing.T) {
	// Expected results worked out by hand from out(r,c) = in(clamp(r−dy), clamp(c−dx)),
	// i.e. scipy.ndimage.shift(img, (dy, dx), mode='nearest').
	for _, tc := range []struct {
		dy, dx int
		want   []uint8
	}{
		{0, 0, []uint8{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{+1, 0, []uint8{1, 2, 3, 1, 2, 3, 4, 5, 6}}, // down: top row replicated
		{-1, 0, []uint8{4, 5, 6, 7, 8, 9, 7, 8, 9}}, // up: bottom row replicated
		{0, +1, []uint8{1, 1, 2, 4, 4, 5, 7, 7, 8}}, // right: left column replicated
		{0, -1, []uint8{2, 3, 3, 5, 6, 6, 8, 9, 9}}, // left: right column replicated
		{+1, +1, []uint8{1, 1, 2, 1, 1, 2, 4, 4, 5}},
		{+1, -1, []uint8{2, 3, 3, 2, 3, 3, 5, 6, 6}},
		{-1, +1, []uint8{4, 4, 5, 7, 7, 8, 7, 7, 8}},
		{-1, -1, []uint8{5, 6, 6, 8, 9, 9, 8, 9, 9}},
		{+2, 0, []uint8{1, 2, 3, 1, 2, 3, 1, 2, 3}},
		{0, -5, []uint8{3, 3, 3, 6, 6, 6, 9, 9, 9}}, // beyond the image: all edge
	} {
		dst := make([]uint8, 9)
		Shift(img3x3, 0, tc.dy, tc.dx, dst)
		if !bytes.Equal(dst, tc.want) {
			t.Errorf("Shift(%+d,%+d) = %v, want %v", tc.dy, tc.dx, dst, tc.want)
		}
	}
}

func TestShiftPerChannel(t *testing.T) {
	// Two images of 2 channels, 2×3; image 1's channel 1 is
	//	10 20 30
	//	40 50 60
	im := &Images{N: 2, Height: 2, Width: 3, Channels: 2, Pix: []uint8{
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60,
	}}
	dst := make([]uint8, 12)
	Shift(im, 1, -1, +1, dst)
	want := []uint8{4, 4, 5, 4, 4, 5, 40, 40, 50, 40, 40, 50}
	if !bytes.Equal(dst, want) {
		t.Errorf("Shift(image 1, -1, +1) = %v, want %v", dst, want)
	}
	Mirror(im, 1, dst)
	want = []uint8{3, 2, 1, 6, 5, 4, 30, 20, 10, 60, 50, 40}
	if !bytes.Equal(dst, want) {
		t.Errorf("Mirror(image 1) = %v, want %v", dst, want)
	}
}

func TestMirror3x3(t *testing.T) {
	dst := make([]uint8, 9)
	Mirror(img3x3, 0, dst)
	if want := []uint8{3, 2, 1, 6, 5, 4, 9, 8, 7}; !bytes.Equal(dst, want) {
		t.Errorf("Mirror = %v, want %v", dst, want)
	}
}

// augmentInput returns n two-channel 3×3 images with distinct contents and
// labels 10, 11, ….
func augmentInput(n int) (*Images, []int) {
	im := &Images{N: n, Height: 3, Width: 3, Channels: 2, Pix: make([]uint8, n*18)}
	labels := make([]int, n)
	for i := range n {
		for k := range 18 {
			im.Pix[i*18+k] = uint8(i*31 + k*k + 1)
		}
		labels[i] = 10 + i
	}
	return im, labels
}

func TestAugment(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opt    AugmentOptions
		shifts [][2]int
		factor int
	}{
		{"4 shifts (original)", AugmentOptions{Seed: 1337}, axisShifts, 10},
		{"8 shifts", AugmentOptions{Diagonals: true, Seed: 5}, append(append([][2]int(nil), axisShifts...), diagonalShifts...), 18},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 4
			im, labels := augmentInput(n)
			before := append([]uint8(nil), im.Pix...)
			out, outLabels, err := Augment(im, labels, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if AugmentFactor(tc.opt) != tc.factor || out.N != tc.factor*n || len(outLabels) != tc.factor*n {
				t.Fatalf("got %d images, %d labels, factor %d; want %d", out.N, len(outLabels), AugmentFactor(tc.opt), tc.factor*n)
			}
			if out.Height != 3 || out.Width != 3 || out.Channels != 2 || len(out.Pix) != out.N*18 {
				t.Fatalf("bad output shape %+v", out)
			}
			if !bytes.Equal(im.Pix, before) {
				t.Errorf("Augment modified its input")
			}
			// Rebuild the unshuffled blocks independently: originals,
			// shifts in order, then the mirrors of all of those.
			var blocks [][]uint8
			for i := range n {
				blocks = append(blocks, append([]uint8(nil), im.Image(i)...))
			}
			for _, s := range tc.shifts {
				for i := range n {
					d := make([]uint8, 18)
					Shift(im, i, s[0], s[1], d)
					blocks = append(blocks, d)
				}
			}
			half := len(blocks)
			for k := range half {
				one := &Images{N: 1, Height: 3, Width: 3, Channels: 2, Pix: blocks[k]}
				d := make([]uint8, 18)
				Mirror(one, 0, d)
				blocks = append(blocks, d)
			}
			perm := newRand(tc.opt.Seed, streamAugment).Perm(len(blocks))
			identity := true
			for k, src := range perm {
				if !bytes.Equal(out.Image(k), blocks[src]) {
					t.Fatalf("output %d is not block image %d", k, src)
				}
				if want := labels[src%n]; outLabels[k] != want {
					t.Errorf("output %d (source image %d) has label %d, want %d", k, src%n, outLabels[k], want)
				}
				identity = identity && src == k
			}
			if identity {
				t.Errorf("output is not shuffled")
			}
			// Every label occurs factor times.
			count := map[int]int{}
			for _, l := range outLabels {
				count[l]++
			}
			for _, l := range labels {
				if count[l] != tc.factor {
					t.Errorf("label %d occurs %d times, want %d", l, count[l], tc.factor)
				}
			}
			// Same seed, same bits.
			out2, l2, _ := Augment(im, labels, tc.opt)
			if !bytes.Equal(out2.Pix, out.Pix) || !slices.Equal(l2, outLabels) {
				t.Errorf("Augment is not deterministic")
			}
		})
	}
}

func TestAugmentErrors(t *testing.T) {
	im, labels := augmentInput(3)
	for _, tc := range []struct {
		name   string
		im     *Images
		labels []int
	}{
		{"labels short", im, labels[:2]},
		{"nil images", nil, nil},
		{"malformed images", &Images{N: 2, Height: 3, Width: 3, Channels: 1, Pix: make([]uint8, 17)}, []int{1, 2}},
	} {
		if _, _, err := Augment(tc.im, tc.labels, AugmentOptions{}); !errors.Is(err, ErrShape) {
			t.Errorf("%s: err = %v, want ErrShape", tc.name, err)
		}
	}
	out, l, err := Augment(&Images{N: 0, Height: 2, Width: 2, Channels: 1}, nil, AugmentOptions{})
	if err != nil || out.N != 0 || len(l) != 0 {
		t.Errorf("Augment of no images = %v, %v, %v", out, l, err)
	}
}

package picture

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// Separator is the gray level of the 1-pixel lines between tiles and of
// unused grid cells. Mid-gray stays visible against both black and white
// tile backgrounds.
const Separator uint8 = 128

// Tiles lays out n images of h×w pixels with c channels on a grid and
// returns it as an *image.Gray (c = 1) or *image.RGBA (c = 3, opaque).
//
// data holds the images one after another, each channel-major (C, H, W)
// like the model data: pixel (row, col) of channel ch of image i is
// data[i*c*h*w + ch*h*w + row*w + col]. The grid has min(cols, n) columns
// and ceil(n/columns) rows; tiles fill it row by row, are separated by
// 1-pixel lines of the Separator gray (no outer border), and cells after
// the last tile are Separator gray too. The result is
// columns·w + columns-1 pixels wide and rows·h + rows-1 pixels high.
//
// With normalize, each tile is min-max scaled on its own, over all its
// channels together so colors keep their balance: its smallest finite
// value becomes 0 and its largest 255; a constant tile becomes 0 (black).
// Without normalize, values are clipped to [0, 1] and scaled by 255.
// Either way values are rounded to the nearest level, NaN becomes 0, and
// +Inf and -Inf become 255 and 0.
//
// An error names the bad argument when n, h, w or cols is not positive,
// c is not 1 or 3, or len(data) != n*h*w*c.
func Tiles(data []float64, n, h, w, c, cols int, normalize bool) (image.Image, error) {
	if n <= 0 || h <= 0 || w <= 0 {
		return nil, fmt.Errorf("picture: tiles: n, h, w = %d, %d, %d; all must be positive", n, h, w)
	}
	if c != 1 && c != 3 {
		return nil, fmt.Errorf("picture: tiles: %d channels, want 1 or 3", c)
	}
	if cols <= 0 {
		return nil, fmt.Errorf("picture: tiles: %d columns, want at least 1", cols)
	}
	size, ok := product(n, h, w, c)
	if !ok || size != len(data) {
		return nil, fmt.Errorf("picture: tiles: len(data) = %d, want n*h*w*c = %d*%d*%d*%d", len(data), n, h, w, c)
	}
	gc := min(cols, n)
	gr := (n + gc - 1) / gc
	width, height := gc*w+gc-1, gr*h+gr-1
	rect := image.Rect(0, 0, width, height)

	tileLen := c * h * w
	levels := make([]uint8, tileLen)
	var set func(x, y, i int) // copies pixel i of levels to (x, y)
	var out image.Image
	switch c {
	case 1:
		g := image.NewGray(rect)
		fill(g.Pix, Separator)
		set = func(x, y, i int) { g.Pix[g.PixOffset(x, y)] = levels[i] }
		out = g
	case 3:
		m := image.NewRGBA(rect)
		fill(m.Pix, Separator)
		for i := 3; i < len(m.Pix); i += 4 {
			m.Pix[i] = 255
		}
		plane := h * w
		set = func(x, y, i int) {
			m.SetRGBA(x, y, color.RGBA{levels[i], levels[plane+i], levels[2*plane+i], 255})
		}
		out = m
	}
	for t := 0; t < n; t++ {
		toLevels(levels, data[t*tileLen:(t+1)*tileLen], normalize)
		x0, y0 := (t%gc)*(w+1), (t/gc)*(h+1)
		for row := 0; row < h; row++ {
			for col := 0; col < w; col++ {
				set(x0+col, y0+row, row*w+col)
			}
		}
	}
	return out, nil
}

// product returns the product of positive factors and whether it fits in
// an int.
func product(factors ...int) (int, bool) {
	p := 1
	for _, f := range factors {
		if f != 0 && p > math.MaxInt/f {
			return 0, false
		}
		p *= f
	}
	return p, true
}

// fill sets every element of b to v.
func fill(b []uint8, v uint8) {
	for i := range b {
		b[i] = v
	}
}

// toLevels converts one tile's values to 8-bit levels as Tiles documents.
func toLevels(dst []uint8, src []float64, normalize bool) {
	lo, hi := 0.0, 1.0
	if normalize {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range src {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	for i, v := range src {
		switch {
		case math.IsNaN(v):
			dst[i] = 0
		case normalize && !(hi > lo): // constant or no finite values
			if math.IsInf(v, 1) {
				dst[i] = 255
			} else {
				dst[i] = 0
			}
		default:
			t := (v - lo) / (hi - lo)
			dst[i] = uint8(math.Round(255 * math.Max(0, math.Min(1, t))))
		}
	}
}

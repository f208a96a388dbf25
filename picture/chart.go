package picture

import (
	"fmt"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// chartDPI is the resolution charts are rendered at.
const chartDPI = 150

// chartMargin is the blank border around every chart.
const chartMargin = 8 * vg.Millimeter / 2

// savePlot renders p at w×h and writes it to path as PNG, atomically.
// Plot.Draw panics on some degenerate inputs; callers validate their
// data first so that it cannot, and any panic left is reported as an
// error rather than crashing the caller.
func savePlot(path string, p *plot.Plot, w, h vg.Length) error {
	return saveDrawing(path, w, h, p.Draw)
}

// saveDrawing renders drawFn's picture on a w×h canvas (less the chart
// margin) and writes it to path as PNG, atomically, reporting a panic of
// drawFn as an error (see savePlot).
func saveDrawing(path string, w, h vg.Length, drawFn func(draw.Canvas)) error {
	return writeAtomic(path, func(out io.Writer) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("draw plot: %v", r)
			}
		}()
		c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(chartDPI))
		m := chartMargin
		drawFn(draw.Crop(draw.New(c), m, -m, m, -m))
		if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(out); err != nil {
			return fmt.Errorf("encode png: %w", err)
		}
		return nil
	})
}

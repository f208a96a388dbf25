package picture

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// classColors are the ten colours of matplotlib's "tab10" palette, for the first ten classes
// of a scatter chart; further classes reuse them in order.
var classColors = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
	{0xd6, 0x27, 0x28, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff},
	{0xe3, 0x77, 0xc2, 0xff}, {0x7f, 0x7f, 0x7f, 0xff}, {0xbc, 0xbd, 0x22, 0xff},
	{0x17, 0xbe, 0xcf, 0xff},
}

// legendWidth is the strip right of a scatter chart that holds its legend.
const legendWidth = 1.1 * vg.Inch

// Scatter draws the points (x[i], y[i]) as small dots coloured by class, labels[i] in
// 0..len(names)−1, with a legend naming the classes to the right, and writes it to path as a
// 7.1×6 inch PNG at 150 DPI, atomically (see SavePNG). Points are drawn in the given order
// (so a class listed last does not hide the others); radius is the dots' radius in points
// (0 means 1.2). It is made for embeddings such as t-SNE's: the axes carry no units.
//
// It is an error if x, y and labels differ in length, if there are no points, if a label is
// outside 0..len(names)−1, or if a coordinate is NaN or infinite.
func Scatter(path, title string, x, y []float64, labels []int, names []string, radius float64) error {
	if len(x) != len(y) || len(x) != len(labels) {
		return fmt.Errorf("picture: scatter %s: %d x, %d y and %d labels", path, len(x), len(y), len(labels))
	}
	if len(x) == 0 {
		return fmt.Errorf("picture: scatter %s: no points", path)
	}
	pts := make(plotter.XYs, len(x))
	for i := range x {
		if !finite(x[i]) || !finite(y[i]) {
			return fmt.Errorf("picture: scatter %s: point %d is (%v, %v)", path, i, x[i], y[i])
		}
		if labels[i] < 0 || labels[i] >= len(names) {
			return fmt.Errorf("picture: scatter %s: point %d has label %d, want 0..%d", path, i, labels[i], len(names)-1)
		}
		pts[i] = plotter.XY{X: x[i], Y: y[i]}
	}
	if radius == 0 {
		radius = 1.2
	}
	style := func(class int) draw.GlyphStyle {
		return draw.GlyphStyle{Color: classColors[class%len(classColors)], Radius: vg.Points(radius), Shape: draw.CircleGlyph{}}
	}
	p := plot.New()
	p.Title.Text = title
	p.HideAxes()
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nest.Within(fmt.Sprintf("picture: scatter %s", path), err)
	}
	sc.GlyphStyleFunc = func(i int) draw.GlyphStyle { return style(labels[i]) }
	p.Add(sc)
	legend := plot.NewLegend()
	legend.Top, legend.Left = true, true
	for c, name := range names {
		legend.Add(name, legendDot{draw.GlyphStyle{Color: classColors[c%len(classColors)], Radius: vg.Points(4), Shape: draw.CircleGlyph{}}})
	}
	return saveDrawing(path, 6*vg.Inch+legendWidth, 6*vg.Inch, func(c draw.Canvas) {
		right := c.Max.X - legendWidth
		p.Draw(draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{Min: c.Min, Max: vg.Point{X: right, Y: c.Max.Y}}})
		legendArea := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{Min: vg.Point{X: right + vg.Points(6), Y: c.Min.Y}, Max: c.Max}}
		legend.Draw(legendArea)
	})
}

// legendDot is a legend thumbnail: one dot, larger than the chart's.
type legendDot struct{ style draw.GlyphStyle }

// Thumbnail draws the dot in the middle of c.
func (d legendDot) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(d.style, c.Center())
}

package picture

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// Series is one named curve of a line chart: points (X[i], Y[i]).
type Series struct {
	// Name is the legend entry; a series with an empty name has none.
	Name string
	// X and Y are the coordinates; they must have the same length.
	X, Y []float64
}

// LineChart draws the series as lines on one chart with a title, axis
// labels, a grid and a legend, and writes it to path as a 900×600 PNG,
// atomically (see SavePNG). Each series gets its own color in argument
// order. Points with a NaN or infinite coordinate are skipped and the
// line joins their neighbours; a series left with a single point is drawn
// as a dot.
//
// It is an error if no series is given, if a series has len(X) != len(Y)
// (the error names it), or if no series has a finite point.
func LineChart(path, title, xLabel, yLabel string, series ...Series) error {
	if len(series) == 0 {
		return fmt.Errorf("picture: line chart %s: no series", path)
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	total := 0
	for i, s := range series {
		if len(s.X) != len(s.Y) {
			return fmt.Errorf("picture: line chart %s: series %d (%q) has %d x and %d y values", path, i, s.Name, len(s.X), len(s.Y))
		}
		pts := make(plotter.XYs, 0, len(s.X))
		for j := range s.X {
			if finite(s.X[j]) && finite(s.Y[j]) {
				pts = append(pts, plotter.XY{X: s.X[j], Y: s.Y[j]})
			}
		}
		if len(pts) == 0 {
			continue
		}
		total += len(pts)
		col := plotutil.Color(i)
		var thumb plot.Thumbnailer
		if len(pts) == 1 {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return nest.Within(fmt.Sprintf("picture: line chart %s: series %q", path, s.Name), err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
			p.Add(sc)
			thumb = sc
		} else {
			l, err := plotter.NewLine(pts)
			if err != nil {
				return nest.Within(fmt.Sprintf("picture: line chart %s: series %q", path, s.Name), err)
			}
			l.LineStyle.Color = col
			l.LineStyle.Width = vg.Points(1.5)
			p.Add(l)
			thumb = l
		}
		if s.Name != "" {
			p.Legend.Add(s.Name, thumb)
		}
	}
	if total == 0 {
		return fmt.Errorf("picture: line chart %s: no finite points", path)
	}
	return savePlot(path, p, 6*vg.Inch, 4*vg.Inch)
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

package picture

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// Heatmap layout: cells are cellSize square until the grid would exceed
// maxGrid on a side; then they shrink, and below minLabeledCell the
// numbers are left out.
const (
	cellSize       = 1.4 * vg.Centimeter
	maxGrid        = 40 * vg.Centimeter
	minLabeledCell = 0.7 * vg.Centimeter
	heatMargin     = 4 * vg.Centimeter
)

// Heatmap draws a rows×cols matrix as colored cells, each with its value
// written in it, and writes it to path as PNG, atomically (see SavePNG).
// values is row-major (values[r*cols+c]); row 0 is drawn at the top, as a
// confusion matrix is read. Colors run from near-white at the smallest
// finite value to dark blue at the largest, with white text on dark
// cells. NaN cells are light gray and -Inf/+Inf cells take the end colors.
// Integral values are written as integers, others with 3 significant
// digits. Very large matrices get smaller cells and no numbers.
//
// rowLabels and colLabels name the rows (left) and columns (bottom); nil
// means 0, 1, 2, …. It is an error if rows or cols is not positive,
// len(values) != rows*cols, a label slice has the wrong length, or no
// value is finite.
func Heatmap(path, title string, rows, cols int, values []float64, rowLabels, colLabels []string) error {
	if rows <= 0 || cols <= 0 {
		return fmt.Errorf("picture: heatmap %s: %d×%d cells, both must be positive", path, rows, cols)
	}
	if n, ok := product(rows, cols); !ok || n != len(values) {
		return fmt.Errorf("picture: heatmap %s: len(values) = %d, want rows*cols = %d*%d", path, len(values), rows, cols)
	}
	if rowLabels == nil {
		rowLabels = indexLabels(rows)
	}
	if colLabels == nil {
		colLabels = indexLabels(cols)
	}
	if len(rowLabels) != rows || len(colLabels) != cols {
		return fmt.Errorf("picture: heatmap %s: %d row and %d column labels, want %d and %d", path, len(rowLabels), len(colLabels), rows, cols)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if finite(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if lo > hi {
		return fmt.Errorf("picture: heatmap %s: no finite values", path)
	}
	if lo == hi { // give a constant matrix a range so it maps to mid-palette
		lo, hi = lo-1, hi+1
	}

	pal := bluePalette()
	grid := heatGrid{rows: rows, cols: cols, values: values}
	hm := plotter.NewHeatMap(grid, pal)
	hm.Min, hm.Max = lo, hi
	hm.Underflow = pal.colors[0]
	hm.Overflow = pal.colors[len(pal.colors)-1]
	hm.NaN = color.Gray{Y: 0xd0}

	p := plot.New()
	p.Title.Text = title
	p.Add(hm)
	p.NominalX(colLabels...)
	reversed := make([]string, rows)
	for r, l := range rowLabels {
		reversed[rows-1-r] = l
	}
	p.NominalY(reversed...)

	cell := min(cellSize, maxGrid/vg.Length(max(rows, cols)))
	if cell >= minLabeledCell {
		labels, err := cellLabels(grid, lo, hi, pal, cell)
		if err != nil {
			return nest.Within(fmt.Sprintf("picture: heatmap %s", path), err)
		}
		p.Add(labels)
	}
	w := cell*vg.Length(cols) + heatMargin
	h := cell*vg.Length(rows) + heatMargin
	return savePlot(path, p, w, h)
}

// heatGrid adapts a row-major matrix to plotter.GridXYZ with row 0 at the
// top: plot row r (counted from the bottom) is matrix row rows-1-r.
type heatGrid struct {
	rows, cols int
	values     []float64
}

// Dims returns the number of columns and rows.
func (g heatGrid) Dims() (c, r int) { return g.cols, g.rows }

// Z returns the value drawn in column c, plot row r.
func (g heatGrid) Z(c, r int) float64 { return g.values[(g.rows-1-r)*g.cols+c] }

// X returns the x coordinate of column c.
func (g heatGrid) X(c int) float64 { return float64(c) }

// Y returns the y coordinate of plot row r.
func (g heatGrid) Y(r int) float64 { return float64(r) }

// cellLabels writes each cell's value at its centre, in white on dark
// cells and black on light ones.
func cellLabels(g heatGrid, lo, hi float64, pal palette, cell vg.Length) (*plotter.Labels, error) {
	xys := make(plotter.XYs, 0, g.rows*g.cols)
	strs := make([]string, 0, g.rows*g.cols)
	for r := 0; r < g.rows; r++ {
		for c := 0; c < g.cols; c++ {
			xys = append(xys, plotter.XY{X: g.X(c), Y: g.Y(r)})
			strs = append(strs, formatCell(g.Z(c, r)))
		}
	}
	labels, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: strs})
	if err != nil {
		return nil, err
	}
	size := min(vg.Points(11), cell/4)
	for i := range labels.TextStyle {
		st := &labels.TextStyle[i]
		st.Font = font.From(plotter.DefaultFont, size)
		st.XAlign, st.YAlign = text.XCenter, text.YCenter
		st.Color = color.Black
		v := g.Z(int(xys[i].X), int(xys[i].Y))
		if finite(v) && (v-lo)/(hi-lo) > 0.55 || math.IsInf(v, 1) {
			st.Color = color.White
		}
	}
	return labels, nil
}

// formatCell formats a cell value: integers exactly, others with 3
// significant digits.
func formatCell(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case v == math.Trunc(v) && math.Abs(v) < 1e7:
		return strconv.FormatFloat(v, 'f', 0, 64)
	default:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
}

// indexLabels returns "0", "1", …, "n-1".
func indexLabels(n int) []string {
	l := make([]string, n)
	for i := range l {
		l[i] = strconv.Itoa(i)
	}
	return l
}

// palette is a fixed list of colors implementing gonum's palette.Palette.
type palette struct{ colors []color.Color }

// Colors returns the palette's colors, lowest value first.
func (p palette) Colors() []color.Color { return p.colors }

// bluePalette interpolates 256 colors from near-white (247, 251, 255) to
// dark blue (8, 48, 107), the ends of ColorBrewer's sequential "Blues".
func bluePalette() palette {
	from := [3]float64{247, 251, 255}
	to := [3]float64{8, 48, 107}
	cs := make([]color.Color, 256)
	for i := range cs {
		t := float64(i) / 255
		var rgb [3]uint8
		for k := range rgb {
			rgb[k] = uint8(math.Round(from[k] + t*(to[k]-from[k])))
		}
		cs[i] = color.RGBA{rgb[0], rgb[1], rgb[2], 255}
	}
	return palette{colors: cs}
}

package rbm

// Filters returns the weights of the first n hidden units, one unit per row of nv values (the
// columns of W, given row-major as nv×nh), ready for picture.Tiles.
func Filters(w []float64, nv, nh, n int) []float64 {
	out := make([]float64, 0, n*nv)
	for j := 0; j < n; j++ {
		for i := 0; i < nv; i++ {
			out = append(out, w[i*nh+j])
		}
	}
	return out
}

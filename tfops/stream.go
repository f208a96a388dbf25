package tfops

// Stream returns d as Data that models train on streamed (see RowSource): each run's rows are
// copied out of d and fed, instead of a copy of all of d living in the graph for the whole of
// Fit. Use it for a training set too large to hold twice; the results are the same.
func Stream(d Data) Data {
	if Streamed(d) {
		return d
	}
	return streamed{d}
}

// streamed is a Data whose Values is itself, a RowSource over the []float32 or []float64 of
// the Data it wraps.
type streamed struct{ Data }

func (s streamed) Values() any { return s }

func (s streamed) AppendRows(dst []float32, idx []int) []float32 {
	_, c := s.Data.Shape()
	switch x := s.Data.Values().(type) {
	case []float32:
		for _, i := range idx {
			dst = append(dst, x[i*c:(i+1)*c]...)
		}
	case []float64:
		for _, i := range idx {
			for _, v := range x[i*c : (i+1)*c] {
				dst = append(dst, float32(v))
			}
		}
	}
	return dst
}

func (s streamed) FirstNonFinite() int {
	switch x := s.Data.Values().(type) {
	case []float32:
		return firstNonFinite(x)
	case []float64:
		return firstNonFinite(x)
	}
	return -1
}

// unwrap returns the Data a Stream wraps, whose values are copied exactly in any dtype, or d.
func unwrap(d Data) Data {
	if s, ok := d.(streamed); ok {
		return s.Data
	}
	return d
}

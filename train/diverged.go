package train

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// A FiniteReporter tells whether its trained tensors are all finite more cheaply than State can
// (an in-graph reduction instead of copying every tensor out): Diverged asks it first and reads
// State only to name what is not finite.
type FiniteReporter interface {
	AllFinite() (bool, error)
}

// ErrDiverged is wrapped by the error that stops a run whose statistics or trained tensors are
// no longer finite.
var ErrDiverged = errors.New("training diverged")

// Diverged returns an error wrapping ErrDiverged when a statistic of the epoch or a value of
// m's state is NaN or infinite, naming the epoch, the first such value and the learning rate
// (the usual cause), or nil when all are finite. It returns the error of m.State, if any.
func Diverged[S Stats](epoch int, st S, m interface{ State() ([]Tensor, error) }) error {
	sc := st.Scalars()
	hint := "lower the learning rate"
	if lr, ok := sc["learning_rate"]; ok {
		hint = fmt.Sprintf("the learning rate %g is likely too large", lr)
	}
	names := make([]string, 0, len(sc))
	for k := range sc {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if v := sc[k]; math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w at epoch %d: %s is %g (%s)", ErrDiverged, epoch, k, v, hint)
		}
	}
	var inner any = m
	if w, ok := m.(interface{ saved() Saved }); ok {
		inner = w.saved()
	}
	if fr, ok := inner.(FiniteReporter); ok {
		if finite, err := fr.AllFinite(); err != nil {
			return fmt.Errorf("epoch %d: %w", epoch, err)
		} else if finite {
			return nil
		}
	}
	state, err := m.State()
	if err != nil {
		return fmt.Errorf("epoch %d: %w", epoch, err)
	}
	if err := CheckFinite(state); err != nil {
		return fmt.Errorf("%w at epoch %d: %v (%s)", ErrDiverged, epoch, err, hint)
	}
	return nil
}

// CheckFinite returns an error naming the first tensor that holds a NaN or an infinity, the
// index of the value and how many such values it holds, or nil.
func CheckFinite(state []Tensor) error {
	for _, t := range state {
		first, bad := -1, 0
		for i, v := range t.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				if first < 0 {
					first = i
				}
				bad++
			}
		}
		if bad > 0 {
			return fmt.Errorf("%s holds %d non-finite values of %d (the first, at %d, is %g)", t.Name, bad, len(t.Values), first, t.Values[first])
		}
	}
	return nil
}

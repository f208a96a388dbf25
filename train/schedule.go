package train

import (
	"fmt"
	"math"
)

// At returns the value of the per-epoch schedule s for epoch (1-based): s[epoch−1], or the last
// value for an epoch past its end. A schedule is a function of the epoch, so a run extended
// after it finished uses the values it would have used had it been started with more epochs.
// s must not be empty.
func At[T any](s []T, epoch int) T {
	return s[max(0, min(epoch-1, len(s)-1))]
}

// CheckSchedule checks a per-epoch schedule of package pkg's field: at least one value, each
// accepted by ok (want says what ok accepts). A schedule may be longer than the epochs a run
// trains now: the later values are used if the run is extended.
func CheckSchedule[T int | float64](pkg, field string, s []T, ok func(T) bool, want string) error {
	if len(s) == 0 {
		return Bad(pkg, field, "empty schedule, want one value or one per epoch")
	}
	for i, v := range s {
		if !ok(v) {
			return Bad(pkg, fmt.Sprintf("%s[%d]", field, i), "%v, %s", v, want)
		}
	}
	return nil
}

// Geom returns n values from start to end in geometric progression, numpy's geomspace:
// start·(end/start)^(i/(n−1)). Both ends must be positive.
func Geom(start, end float64, n int) []float64 {
	return ramp(n, func(t float64) float64 { return start * math.Pow(end/start, t) })
}

// Lin returns n values from start to end evenly spaced, numpy's linspace.
func Lin(start, end float64, n int) []float64 {
	return ramp(n, func(t float64) float64 { return start + (end-start)*t })
}

func ramp(n int, at func(t float64) float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		t := 0.0
		if n > 1 {
			t = float64(i) / float64(n-1)
		}
		out[i] = at(t)
	}
	return out
}

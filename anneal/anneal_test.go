package anneal

import (
	"context"
	"errors"
	"math"
	"testing"
)

func TestSchedules(t *testing.T) {
	for _, n := range []int{1, 7, 1000, 20000} {
		for _, kind := range []string{ScheduleUniform, ScheduleSegments} {
			b, err := Schedule(kind, n)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) != n+1 || b[0] != 0 || b[n] != 1 {
				t.Fatalf("%s(%d): %d values from %g to %g", kind, n, len(b), b[0], b[n])
			}
			for k := 1; k <= n; k++ {
				if b[k] < b[k-1] {
					t.Fatalf("%s(%d) decreases at %d", kind, n, k)
				}
			}
		}
	}
	if b, _ := Schedule(ScheduleSegments, 14500); b[500] != 0.5 || b[4500] != 0.9 {
		t.Errorf("segments(14500): β[500] = %g, β[4500] = %g; want 0.5 and 0.9", b[500], b[4500])
	}
	if _, err := Schedule("log", 10); err == nil {
		t.Error("unknown schedule accepted")
	}
}

func TestIntervalsAndRates(t *testing.T) {
	// Estimates 1 and 3 (logs 0 and log 3): mean 2, σ 1, s.e. 1/√2.
	m, lo, hi, slo, shi := Intervals([]float64{0, math.Log(3)})
	for _, c := range []struct{ got, want float64 }{{m, math.Log(2)}, {lo, 0}, {hi, math.Log(3)}, {slo, math.Log(2 - 1/math.Sqrt2)}, {shi, math.Log(2 + 1/math.Sqrt2)}} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("Intervals: %.15f, want %.15f", c.got, c.want)
		}
	}
	r := LogitRates([]float64{0.5, 0, 1})
	if r[0] != 0 || math.Abs(r[1]+math.Log(1e6-1)) > 1e-6 || math.Abs(r[2]-math.Log(1e6-1)) > 1e-6 {
		t.Errorf("LogitRates = %v", r)
	}
}

// counting is Chains whose every step adds 1 to each log-weight: Forward then estimates
// log Z₀ + steps, whatever the schedule.
type counting struct{ runs, steps int }

func (c *counting) Reset(runs int) error   { c.runs = runs; return nil }
func (c *counting) StartAt(runs int) error { c.runs = runs; return nil }
func (c *counting) Step(b []float64, k0 int64) error {
	c.steps += Chunk
	return nil
}
func (c *counting) LogWeights() ([]float64, float64, error) {
	w := make([]float64, c.runs)
	for i := range w {
		w[i] = float64(c.steps)
	}
	return w, 2, nil
}

func TestDrivers(t *testing.T) {
	est, err := Forward(context.Background(), &counting{}, Options{Betas: 100, Runs: 3})
	if err != nil || est.LogZ != 102 || len(est.Runs) != 3 {
		t.Errorf("Forward = %+v, %v; want log Z 102 over 3 runs", est, err)
	}
	rev, err := Reverse(context.Background(), &counting{}, ReverseOptions{Options: Options{Betas: 100, Runs: 4}, BurnIn: 50})
	if err != nil || rev.LogZ != 2-150 || len(rev.Runs) != 4 {
		t.Errorf("Reverse = %+v, %v; want log Z −148 (log Z₀ − log w) over 4 runs", rev, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Forward(ctx, &counting{}, Options{Runs: 2}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Forward: %v", err)
	}
	if _, err := Forward(context.Background(), &counting{}, Options{Runs: 1}); err == nil {
		t.Error("one run accepted")
	}
}

// TestESS checks the effective sample size on weights with known answers: n equal weights give
// n, one dominant weight gives about 1, and a scale common to every weight does not matter.
func TestESS(t *testing.T) {
	for _, tc := range []struct {
		logw []float64
		want float64
	}{
		{[]float64{0, 0, 0, 0}, 4},
		{[]float64{1000, 1000, 1000}, 3},       // huge log-weights: no overflow
		{[]float64{0, math.Log(3)}, 16.0 / 10}, // w = 1, 3: 16/10
		{[]float64{0, -800, -900}, 1},
	} {
		if got := ESS(tc.logw); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("ESS(%v) = %v, want %v", tc.logw, got, tc.want)
		}
	}
}

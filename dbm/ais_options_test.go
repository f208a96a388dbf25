package dbm

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/boltzmann-go/boltzmann/anneal"
	"github.com/boltzmann-go/boltzmann/dataset"
	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// TestAISOptionsAgainstExact runs AIS from every base, with both schedules and with several
// sweeps per β on the tiny DBMs (binary, Gaussian visible, multinomial top; 1, 2 and 3 hidden
// layers) and compares log Ẑ with the exact log Z. The estimates are within a few hundredths of
// a nat, and on average over the configurations they do not exceed it by more than their error
// (AIS's Ẑ is unbiased, so log Ẑ is biased low).
func TestAISOptionsAgainstExact(t *testing.T) {
	var over, n float64
	for _, d := range tinyDBMs {
		d := d.withParams(2)
		want := d.logZ()
		rates := make([]float64, d.sizes[0])
		for i := range rates {
			rates[i] = 0.3 + 0.4*float64(i%2) // base rates of an imagined data set
		}
		for _, o := range []AISOptions{
			{Base: BaseUniform},
			{Base: BaseRate, BaseRates: rates},
			{Schedule: ScheduleSegments},
			{SweepsPerBeta: 3},
		} {
			if o.Base == BaseRate && d.units != nil && d.units[0] != nil && d.units[0].Name() != "bernoulli" {
				o.BaseRates = make([]float64, d.sizes[0]) // Gaussian: the data means
			}
			o.Betas, o.Runs = 1000, 200
			est, err := d.model(t, tf.Double, nil).AISLogZ(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(est.LogZ-want) > 0.06 {
				t.Errorf("%s, base %q, schedule %q, %d sweeps: log Ẑ = %.4f (SEM %.4f…%.4f), exact %.4f", d.name, o.Base, o.Schedule, o.SweepsPerBeta, est.LogZ, est.SEMLow, est.SEMHigh, want)
			}
			if !(est.SEMLow <= est.LogZ && est.LogZ <= est.SEMHigh && est.SEMHigh <= est.High) {
				t.Errorf("%s: intervals not nested: SEM %.4f…%.4f, σ …%.4f around %.4f", d.name, est.SEMLow, est.SEMHigh, est.High, est.LogZ)
			}
			over += est.LogZ - want
			n++
		}
	}
	if mean := over / n; mean > 0.01 {
		t.Errorf("log Ẑ exceeds the exact log Z by %.4f nats on average over %v estimates: AIS should not overestimate", mean, n)
	}
}

// TestAISZeroWeights: on a DBM without interactions the biases-only base is the model, so one
// step gives the exact log Z in every run; the uniform and base-rate bases are other
// distributions, and their Ẑ is still unbiased: the mean of Ẑ/Z over many runs is 1.
func TestAISZeroWeights(t *testing.T) {
	d := tinyDBMs[0].withParams(5)
	for i := range d.p.W {
		for j := range d.p.W[i] {
			d.p.W[i][j] = 0
		}
	}
	want := d.logZ()
	m := d.model(t, tf.Double, nil)
	est, err := m.AISLogZ(context.Background(), AISOptions{Betas: 1, Runs: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range est.Runs {
		if math.Abs(r-want) > 1e-12 {
			t.Fatalf("biases-only base on a zero-weight model: run log Ẑ = %.15f, exact %.15f", r, want)
		}
	}
	rates := []float64{0.2, 0.5, 0.7, 0.9}
	for _, o := range []AISOptions{{Base: BaseUniform}, {Base: BaseRate, BaseRates: rates}} {
		o.Betas, o.Runs = 20, 4000
		est, err := m.AISLogZ(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		var mean, sq float64
		for _, r := range est.Runs {
			w := math.Exp(r - want)
			mean += w
			sq += w * w
		}
		k := float64(len(est.Runs))
		mean /= k
		sem := math.Sqrt((sq/k - mean*mean) / k)
		if math.Abs(mean-1) > 4*sem+1e-9 {
			t.Errorf("base %q: mean Ẑ/Z = %.4f ± %.4f, want 1 (unbiased)", o.Base, mean, sem)
		}
	}
}

func TestAISSchedulesAndBadOptions(t *testing.T) {
	for _, n := range []int{1, 7, 1000, 20000} {
		b, err := anneal.Schedule(ScheduleSegments, n)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != n+1 || b[0] != 0 || b[n] != 1 {
			t.Fatalf("segments(%d): %d values from %g to %g", n, len(b), b[0], b[n])
		}
		for k := 1; k <= n; k++ {
			if b[k] < b[k-1] {
				t.Fatalf("segments(%d) decreases at %d", n, k)
			}
		}
	}
	b, _ := anneal.Schedule(ScheduleSegments, 14500)
	if b[500] != 0.5 || b[4500] != 0.9 {
		t.Errorf("segments(14500): β[500] = %g, β[4500] = %g; want 0.5 and 0.9", b[500], b[4500])
	}
	m := tinyDBMs[0].withParams(1).model(t, tf.Double, nil)
	for _, o := range []AISOptions{{Base: "data"}, {Schedule: "log"}, {Base: BaseRate, BaseRates: []float64{0.5}}, {SweepsPerBeta: -1}} {
		if _, err := m.AISLogZ(context.Background(), o); err == nil {
			t.Errorf("AISLogZ(%+v) accepted", o)
		}
	}
}

// TestReverseAISBracket: on the tiny DBMs (1–3 hidden layers, binary, Gaussian visible,
// multinomial top) reverse AIS from data-started chains lands within hundredths of a nat of the
// exact log Z, as forward AIS does, and on average over the models neither overshoots its side of
// the bracket by more than 0.01 nat. (With 10 distributions and 4,000 runs on the 4-3 model the
// reverse estimate was 2.3 standard errors below the exact value after 200 burn-in transitions
// and within 0.7 after 2,000: the bracket is only as good as the chains' start.)
func TestReverseAISBracket(t *testing.T) {
	for _, betas := range []int{1000} {
		t.Run(fmt.Sprint(betas), func(t *testing.T) { testReverseAISBracket(t, betas) })
	}
}

func testReverseAISBracket(t *testing.T, betas int) {
	var fwdOver, revUnder float64
	for _, d := range tinyDBMs {
		d := d.withParams(2)
		want := d.logZ()
		m := d.model(t, tf.Double, nil)
		x := dataset.NewMatrix[float64](200, d.sizes[0])
		for i := range x.Data {
			x.Data[i] = float64((i*7 + i/3) % 2)
		}
		rev, err := m.ReverseAISLogZ(context.Background(), x, ReverseOptions{Options: AISOptions{Betas: betas}, BurnIn: 200})
		if err != nil {
			t.Fatal(err)
		}
		fwd, err := m.AISLogZ(context.Background(), AISOptions{Betas: betas, Runs: 200})
		if err != nil {
			t.Fatal(err)
		}
		if betas >= 1000 && math.Abs(rev.LogZ-want) > 0.06 {
			t.Errorf("%s: reverse AIS log Ẑ = %.4f (s.e. %.4f…%.4f), exact %.4f", d.name, rev.LogZ, rev.SEMLow, rev.SEMHigh, want)
		}
		if !(rev.SEMLow <= rev.LogZ && rev.LogZ <= rev.SEMHigh) || len(rev.Runs) != 200 {
			t.Errorf("%s: reverse intervals %.4f…%.4f around %.4f, %d runs", d.name, rev.SEMLow, rev.SEMHigh, rev.LogZ, len(rev.Runs))
		}
		fwdOver += fwd.LogZ - want
		revUnder += want - rev.LogZ
		t.Logf("%s: forward %.4f ≤ exact %.4f ≤ reverse %.4f", d.name, fwd.LogZ, want, rev.LogZ)
	}
	n := float64(len(tinyDBMs))
	if fwdOver/n > 0.01 || revUnder/n > 0.01 {
		t.Errorf("mean forward − exact = %.4f, mean exact − reverse = %.4f: want both ≤ 0 within 0.01", fwdOver/n, revUnder/n)
	}
}

// TestAISConvergesWithBetas: on a tiny DBM both directions get closer to the exact log Z as the
// number of intermediate distributions grows (mean absolute error over three model seeds).
func TestAISConvergesWithBetas(t *testing.T) {
	errAt := func(betas int, reverse bool) float64 {
		total := 0.0
		for seed := int64(1); seed <= 3; seed++ {
			d := tinyDBMs[0].withParams(uint64(7 + seed))
			for i := range d.p.W {
				for j := range d.p.W[i] {
					d.p.W[i][j] *= 2 // far enough from the base that 10 steps are not enough
				}
			}
			want := d.logZ()
			m := d.model(t, tf.Double, func(c *Config) { c.Seed = seed })
			var est *LogZEstimate
			var err error
			if reverse {
				x := dataset.NewMatrix[float64](300, d.sizes[0])
				for i := range x.Data {
					x.Data[i] = float64((i*5 + i/4) % 2)
				}
				est, err = m.ReverseAISLogZ(context.Background(), x, ReverseOptions{Options: AISOptions{Betas: betas}, BurnIn: 1000})
			} else {
				est, err = m.AISLogZ(context.Background(), AISOptions{Betas: betas, Runs: 300})
			}
			if err != nil {
				t.Fatal(err)
			}
			total += math.Abs(est.LogZ - want)
		}
		return total / 3
	}
	for _, reverse := range []bool{false, true} {
		few, many := errAt(10, reverse), errAt(1000, reverse)
		t.Logf("reverse %v: mean |log Ẑ − log Z| = %.4f with 10 distributions, %.4f with 1000", reverse, few, many)
		if !(many < few) || many > 0.05 {
			t.Errorf("reverse %v: error %.4f with 1000 distributions, %.4f with 10: want it to shrink below 0.05", reverse, many, few)
		}
	}
}

// TestLowerBoundConvergedMeanField: with large weights, a 3-2-3-2 DBM configured with 10
// mean-field sweeps gets the same bound as one configured with 300: LowerBound runs mean field
// to convergence itself.
func TestLowerBoundConvergedMeanField(t *testing.T) {
	d := tinyDBMs[1].withParams(5)
	for i := range d.p.W {
		for j := range d.p.W[i] {
			d.p.W[i][j] *= 5 // 10 sweeps leave μ 0.22 from its fixed point
		}
	}
	logZ := d.logZ()
	vs, x := d.visibleStates()
	var bounds [2][]float64
	for k, steps := range []int{10, 300} {
		m := d.model(t, tf.Double, func(c *Config) { c.MeanFieldSteps = steps; c.MeanFieldTol = 1e-12 })
		lb, err := m.LowerBound(x, logZ)
		if err != nil {
			t.Fatal(err)
		}
		bounds[k] = lb
	}
	for i := range bounds[0] {
		if math.Abs(bounds[0][i]-bounds[1][i]) > 1e-9 {
			t.Errorf("state %d: bound %.9f with 10 training sweeps, %.9f with 300", i, bounds[0][i], bounds[1][i])
		}
		if exact := d.logUnnormalized(vs[i]) - logZ; bounds[0][i] > exact+1e-9 {
			t.Errorf("state %d: bound %.9f above log p %.9f", i, bounds[0][i], exact)
		}
	}
}

// TestReverseAISFromParticlesBrackets: on the tiny DBMs, with few intermediate distributions
// (so that single runs are noisy), an estimate from a few runs is a stochastic bound: forward AIS
// under-estimates log Z on average, reverse AIS started at the persistent particles (after
// burn-in) over-estimates it (Jensen's inequality, Burda et al. 2015). The 1,000 runs of each
// direction are cut into 200 estimates of 5 runs; their mean must fall on its side of the exact
// log Z (within 2 standard errors of the mean), and the bracket's mean width is reported.
func TestReverseAISFromParticlesBrackets(t *testing.T) {
	const betas, runs, group = 5, 1000, 5
	// groupMean returns the mean and standard error over groups of sign·log mean exp(sign·v).
	groupMean := func(v []float64, sign float64) (mean, se float64) {
		var ests []float64
		for i := 0; i+group <= len(v); i += group {
			top := math.Inf(-1)
			for _, x := range v[i : i+group] {
				top = math.Max(top, sign*x)
			}
			var s float64
			for _, x := range v[i : i+group] {
				s += math.Exp(sign*x - top)
			}
			ests = append(ests, sign*(top+math.Log(s/group)))
		}
		for _, e := range ests {
			mean += e / float64(len(ests))
		}
		for _, e := range ests {
			se += (e - mean) * (e - mean)
		}
		return mean, math.Sqrt(se / float64(len(ests)-1) / float64(len(ests)))
	}
	for _, d := range tinyDBMs {
		d := d.withParams(3)
		for i := range d.p.W {
			for j := range d.p.W[i] {
				d.p.W[i][j] *= 3 // far from the base: 5 distributions leave single runs noisy
			}
		}
		want := d.logZ()
		m := d.model(t, tf.Double, nil)
		rev, err := m.ReverseAISFromParticles(context.Background(), ReverseOptions{Options: AISOptions{Betas: betas, Runs: runs}, BurnIn: 500})
		if err != nil {
			t.Fatal(err)
		}
		fwd, err := m.AISLogZ(context.Background(), AISOptions{Betas: betas, Runs: runs})
		if err != nil {
			t.Fatal(err)
		}
		if len(rev.Runs) != runs || !(rev.ESS > 1 && rev.ESS <= runs) {
			t.Errorf("%s: %d reverse runs, ESS %.1f", d.name, len(rev.Runs), rev.ESS)
		}
		lo, loSE := groupMean(fwd.Runs, 1)  // forward: log mean Ẑ_i
		hi, hiSE := groupMean(rev.Runs, -1) // reverse: −log mean (1/Ẑ_i)
		if lo > want+2*loSE || hi < want-2*hiSE {
			t.Errorf("%s: mean forward %.4f ± %.4f, exact %.4f, mean reverse from particles %.4f ± %.4f: no bracket", d.name, lo, loSE, want, hi, hiSE)
		}
		t.Logf("%s: forward %.4f ± %.4f ≤ exact %.4f ≤ reverse %.4f ± %.4f (width %.4f; all %d runs: %.4f, %.4f; ESS %.0f, %.0f)",
			d.name, lo, loSE, want, hi, hiSE, hi-lo, runs, fwd.LogZ, rev.LogZ, fwd.ESS, rev.ESS)
	}
}

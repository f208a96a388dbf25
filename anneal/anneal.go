// Package anneal estimates partition functions by annealed importance sampling, forward (AIS,
// Neal 2001; Salakhutdinov & Murray 2008) and reverse (the reverse half of bidirectional Monte
// Carlo, Grosse, Ghahramani & Adams 2015; RAISE, Burda, Grosse & Salakhutdinov 2015), for any
// model that can run annealing chains: the model packages (rbm, dbm) build the chains' graph
// and implement Chains; this package owns the options, the schedules, the driving loops and the
// estimates with their intervals, once for all of them.
package anneal

import (
	"context"
	"fmt"
	"math"
)

// Chunk is the number of intermediate distributions a Chains.Step covers.
const Chunk = 50

// The base distributions and schedules of Options.
const (
	BaseBiases       = "biases"
	BaseUniform      = "uniform"
	BaseRate         = "base-rate"
	ScheduleUniform  = "uniform"
	ScheduleSegments = "segments"
)

// Options configure an estimate.
type Options struct {
	// Betas is the number of intermediate distributions. Zero means 10,000 (the original's
	// docstring recommends at least that; its README reports 20,000 and 200,000).
	Betas int
	// Runs is the number of independent runs. Zero means 100 (forward) or every start row
	// (reverse).
	Runs int
	// Base is the base distribution (no interactions): BaseBiases (the default, the model's own
	// biases), BaseUniform (all biases zero, the original's) or BaseRate (the visible biases
	// fitted to the data's marginals, BaseRates; hidden biases zero; Salakhutdinov & Murray 2008).
	Base string
	// BaseRates holds the data's mean of each visible unit, for BaseRate.
	BaseRates []float64
	// Schedule spaces the intermediate distributions: ScheduleUniform (the default, evenly in
	// β) or ScheduleSegments (Salakhutdinov's: 500, 4000 and 10000 steps per unit of β on
	// [0, 0.5], [0.5, 0.9], [0.9, 1], scaled to Betas in all — denser where the model changes most).
	Schedule string
	// SweepsPerBeta is the number of transitions at each intermediate distribution. Zero means 1.
	SweepsPerBeta int
	// OnProgress, if set, is called after each Chains.Step with the steps done and their total.
	OnProgress func(done, total int)
	// Blocks splits the runs into that many blocks of chains with random streams of their own
	// (see BlockKey), which can run on different devices. Zero means one block per device, or
	// one. One block draws today's streams; an estimate depends on the number of blocks (and the
	// seeds) only, never on where the blocks ran.
	Blocks int
	// Devices places block b on Devices[b % len(Devices)] (device names such as
	// "/job:worker/task:1" of a cluster the model's session targets); empty means the model's
	// own device.
	Devices []string
}

// BlockPlan returns the number of blocks of o and the device of each ("" for the model's).
func (o Options) BlockPlan() (blocks int, devices []string, err error) {
	blocks = o.Blocks
	if blocks == 0 {
		blocks = max(len(o.Devices), 1)
	}
	if blocks < 1 {
		return 0, nil, fmt.Errorf("anneal: %d blocks of runs, want ≥ 1", blocks)
	}
	devices = make([]string, blocks)
	for b := range devices {
		if len(o.Devices) > 0 {
			devices[b] = o.Devices[b%len(o.Devices)]
		}
	}
	return blocks, devices, nil
}

// ReverseOptions configure a reverse estimate.
type ReverseOptions struct {
	Options
	// BurnIn is the number of transitions of the model (β = 1) the chains make from their start
	// before annealing down. Zero means 1000.
	BurnIn int
}

// An Estimate of log Z.
type Estimate struct {
	// LogZ is log Ẑ.
	LogZ float64
	// Low and High are log(Ẑ − σ) and log(Ẑ + σ) (forward; reverse: the interval mapped from
	// the estimate of 1/Z), σ the standard deviation of the runs' estimates (the original's
	// interval; NaN where the difference is not positive).
	Low, High float64
	// SEMLow and SEMHigh are the same with the standard error of the mean, σ/√runs.
	SEMLow, SEMHigh float64
	// Runs holds each run's log Z estimate.
	Runs []float64
	// ESS is the effective sample size of the runs' importance weights, (Σw)²/Σw² (Kish): the
	// number of runs the estimate effectively rests on. Forward AIS weighs run i by Ẑ_i, reverse
	// AIS by 1/Ẑ_i. Near 1 the estimate rests on one run and its σ cannot be trusted.
	ESS float64
}

// ESS returns the effective sample size (Σw)²/Σw² of weights given by their logarithms.
func ESS(logw []float64) float64 {
	if len(logw) == 0 {
		return 0
	}
	top := math.Inf(-1)
	for _, v := range logw {
		top = math.Max(top, v)
	}
	var s, s2 float64
	for _, v := range logw {
		w := math.Exp(v - top)
		s += w
		s2 += w * w
	}
	return s * s / s2
}

// Chains are a model's annealing chains: R chains of its state whose log-weights accumulate
// log p*_k(x) − log p*_{k−1}(x) at each step, then move by a transition at β_k.
type Chains interface {
	// Reset starts runs chains at samples of the base distribution, with zero log-weights.
	Reset(runs int) error
	// StartAt starts one chain per row of the model's data start (the first runs rows) at the
	// data's posterior, with zero log-weights (reverse annealing).
	StartAt(runs int) error
	// Step moves along betas (Chunk+1 inverse temperatures: from betas[0] to betas[Chunk]),
	// drawing with seed counters from k0.
	Step(betas []float64, k0 int64) error
	// LogWeights returns each chain's log-weight and log Z of the base distribution.
	LogWeights() ([]float64, float64, error)
}

// Schedule returns the n+1 inverse temperatures 0 = β₀ < … < β_n = 1 of a schedule.
func Schedule(kind string, n int) ([]float64, error) {
	out := make([]float64, n+1)
	switch kind {
	case "", ScheduleUniform:
		for k := range out {
			out[k] = float64(k) / float64(n)
		}
	case ScheduleSegments:
		ends := []float64{0, 0.5, 0.9, 1}
		bounds := []int{0, int(math.Round(float64(n) * 500 / 14500)), int(math.Round(float64(n) * 4500 / 14500)), n}
		for seg := 0; seg < 3; seg++ {
			lo, hi := bounds[seg], bounds[seg+1]
			for k := lo; k <= hi && hi > lo; k++ {
				out[k] = ends[seg] + float64(k-lo)/float64(hi-lo)*(ends[seg+1]-ends[seg])
			}
		}
	default:
		return nil, fmt.Errorf("anneal: schedule %q, want %s or %s", kind, ScheduleUniform, ScheduleSegments)
	}
	out[0], out[n] = 0, 1 // the base and the model, whatever the rounding of tiny n
	return out, nil
}

// Defaults returns o with its zero values replaced and checks it.
func (o Options) defaults() (Options, error) {
	if o.Betas == 0 {
		o.Betas = 10000
	}
	if o.SweepsPerBeta == 0 {
		o.SweepsPerBeta = 1
	}
	if o.Betas < 1 || o.SweepsPerBeta < 1 || o.SweepsPerBeta > 1000 {
		return o, fmt.Errorf("anneal: %d intermediate distributions, %d sweeps per β: want ≥ 1 and 1…1000", o.Betas, o.SweepsPerBeta)
	}
	return o, nil
}

// Forward estimates log Z by AIS from the base to the model: Ẑ = Z₀·mean(w). E[Ẑ] = Z, so log Ẑ
// under-estimates log Z on average (Jensen).
func Forward(ctx context.Context, c Chains, o Options) (*Estimate, error) {
	o, err := o.defaults()
	if err != nil {
		return nil, err
	}
	if o.Runs == 0 {
		o.Runs = 100
	}
	if o.Runs < 2 {
		return nil, fmt.Errorf("anneal: %d runs, want ≥ 2", o.Runs)
	}
	schedule, err := Schedule(o.Schedule, o.Betas)
	if err != nil {
		return nil, err
	}
	if err := c.Reset(o.Runs); err != nil {
		return nil, err
	}
	if err := steps(ctx, c, o.Betas, o.OnProgress, func(i int) float64 { return schedule[min(i, o.Betas)] }, 0); err != nil {
		return nil, err
	}
	logw, logZ0, err := c.LogWeights()
	if err != nil {
		return nil, err
	}
	est := &Estimate{Runs: make([]float64, len(logw))}
	for i, w := range logw {
		est.Runs[i] = logZ0 + w
	}
	est.LogZ, est.Low, est.High, est.SEMLow, est.SEMHigh = Intervals(est.Runs)
	est.ESS = ESS(logw)
	return est, nil
}

// Reverse estimates log Z by annealing from the chains' start (StartAt: data standing in for
// model samples, after BurnIn transitions of the model) down to the base: 1/Ẑ = mean(w)/Z₀. With
// exact model samples E[1/Ẑ] = 1/Z, so log Ẑ over-estimates log Z on average: the conservative
// side of the bracket whose other side is Forward. Chains started at data guarantee nothing
// unless they have reached the model's distribution.
func Reverse(ctx context.Context, c Chains, o ReverseOptions) (*Estimate, error) {
	opts, err := o.Options.defaults()
	if err != nil {
		return nil, err
	}
	if o.BurnIn == 0 {
		o.BurnIn = 1000
	}
	if opts.Runs < 2 || o.BurnIn < 0 {
		return nil, fmt.Errorf("anneal: reverse: %d runs, %d burn-in transitions: want ≥ 2 and ≥ 0", opts.Runs, o.BurnIn)
	}
	schedule, err := Schedule(opts.Schedule, opts.Betas)
	if err != nil {
		return nil, err
	}
	if err := c.StartAt(opts.Runs); err != nil {
		return nil, err
	}
	total := o.BurnIn + opts.Betas
	beta := func(i int) float64 {
		// Burn-in at β = 1 (each increment log p*_1 − log p*_1 is 0), then down the schedule.
		switch step := i - o.BurnIn; {
		case step <= 0:
			return 1
		case step >= opts.Betas:
			return 0
		default:
			return schedule[opts.Betas-step]
		}
	}
	// Seed counters past forward annealing's, so that the two directions draw other numbers.
	if err := steps(ctx, c, total, opts.OnProgress, beta, int64(1)<<50); err != nil {
		return nil, err
	}
	logw, logZ0, err := c.LogWeights()
	if err != nil {
		return nil, err
	}
	// r_i = log w_i − log Z₀ estimates −log Z; the estimate is −log mean exp(r), and an
	// interval for 1/Z maps to one for log Z reversed.
	r := make([]float64, len(logw))
	est := &Estimate{Runs: make([]float64, len(logw))}
	for i, w := range logw {
		r[i] = w - logZ0
		est.Runs[i] = -r[i]
	}
	inv, lo, hi, semLo, semHi := Intervals(r)
	est.LogZ, est.Low, est.High, est.SEMLow, est.SEMHigh = -inv, -hi, -lo, -semHi, -semLo
	est.ESS = ESS(r)
	return est, nil
}

// steps runs total steps in chunks, the inverse temperature of step i being beta(i).
func steps(ctx context.Context, c Chains, total int, progress func(done, total int), beta func(i int) float64, offset int64) error {
	for k := 0; k < total; k += Chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		betas := make([]float64, Chunk+1)
		for j := range betas {
			betas[j] = beta(k + j)
		}
		if err := c.Step(betas, offset+int64(k)); err != nil {
			return err
		}
		if progress != nil {
			progress(min(k+Chunk, total), total)
		}
	}
	return nil
}

// Intervals returns, for estimates exp(r_i), log of their mean m and the logs of m − σ, m + σ,
// m − s and m + s, σ their standard deviation and s = σ/√n the standard error of the mean (NaN
// where the difference is not positive).
func Intervals(r []float64) (logMean, lo, hi, semLo, semHi float64) {
	logMean = logMeanExp(r)
	twice := make([]float64, len(r))
	for i, v := range r {
		twice[i] = 2 * v
	}
	m2 := logMeanExp(twice)
	logStd := 0.5 * (m2 + math.Log1p(-math.Exp(math.Min(0, 2*logMean-m2))))
	logSEM := logStd - 0.5*math.Log(float64(len(r)))
	hi = logMean + math.Log1p(math.Exp(logStd-logMean))
	lo = logMean + math.Log1p(-math.Exp(logStd-logMean))
	semHi = logMean + math.Log1p(math.Exp(logSEM-logMean))
	semLo = logMean + math.Log1p(-math.Exp(logSEM-logMean))
	return
}

func logMeanExp(x []float64) float64 {
	mx := math.Inf(-1)
	for _, v := range x {
		mx = math.Max(mx, v)
	}
	if math.IsInf(mx, -1) {
		return mx
	}
	s := 0.0
	for _, v := range x {
		s += math.Exp(v - mx)
	}
	return mx + math.Log(s/float64(len(x)))
}

package dbm

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// params are the graph values of a DBM's parameters: W[i] connects layers i and i+1
// ([n_i, n_{i+1}]); b[l] is the bias of layer l (layer 0 is visible).
type params struct {
	W, b []tf.Output
}

// net knows the unit types and builds the DBM's conditionals, sweeps and energies. The energy
// of a joint state x = (x_0 = v, x_1, …, x_L) is
//
//	E(x) = Σ_l SelfEnergy_l(x_l; b_l) − Σ_i Stat(x_i)ᵀ W_i Stat(x_{i+1})
//
// so that, given its two neighbours, each layer is a layer of an RBM.
type net struct {
	units   []rbm.Unit
	sizes   []int
	dt      tf.DataType
	devices []string // devices sharing the rows of the products (Config.Devices)
}

func (n net) top() int { return len(n.units) - 1 }

// input adds the interaction input of layer l from the states xs of its neighbours; a
// neighbour whose state is unset (a zero Output) is left out.
func (n net) input(s *op.Scope, p params, xs []tf.Output, l int) tf.Output {
	s = s.SubScope("input")
	var in tf.Output
	add := func(t tf.Output) {
		if in.Op == nil {
			in = t
		} else {
			in = op.AddV2(s.SubScope("sum"), in, t)
		}
	}
	if l > 0 && xs[l-1].Op != nil {
		add(tfops.SplitMatMul(s, n.units[l-1].Stat(s, xs[l-1]), p.W[l-1], false, n.devices))
	}
	if l < n.top() && xs[l+1].Op != nil {
		add(tfops.SplitMatMul(s, n.units[l+1].Stat(s, xs[l+1]), p.W[l], true, n.devices))
	}
	return in
}

// seeder hands out the seed of the random op for layer l of sweep i of a chain.
type seeder func(s *op.Scope, sweep, layer int) tf.Output

// sweep adds one sequential Gibbs (or, without sampling, mean-field) sweep h_1 → … → h_L
// (→ v when updateV), each layer given the new state below it and the old state above it, as
// the original. It returns the new states and the visible mean when updateV.
func (n net) sweep(s *op.Scope, p params, xs []tf.Output, sampleV, sampleH, updateV bool, seed seeder, i int) (out []tf.Output, vMean tf.Output) {
	s = s.SubScope("sweep")
	out = append([]tf.Output(nil), xs...)
	for l := 1; l <= n.top(); l++ {
		ls := s.SubScope("layer")
		in := n.input(ls, p, out, l)
		mean := n.units[l].Mean(ls, in, p.b[l])
		out[l] = mean
		if sampleH {
			out[l] = n.units[l].Sample(ls, in, p.b[l], mean, seed(ls, i, l))
		}
	}
	if updateV {
		vs := s.SubScope("visible")
		in := n.input(vs, p, out, 0)
		vMean = n.units[0].Mean(vs, in, p.b[0])
		out[0] = vMean
		if sampleV {
			out[0] = n.units[0].Sample(vs, in, p.b[0], vMean, seed(vs, i, 0))
		}
	}
	return out, vMean
}

// meanField adds the variational posterior q(h | x) = Π_l Π_j q(h_lj) of the visible data x:
// μ starts from a bottom-up pass with doubled input from below for every layer but the top
// (Salakhutdinov & Hinton 2009), then up to steps mean-field sweeps run; once no parameter
// moves by more than tol, later sweeps leave μ unchanged. It returns μ (μ[0] = x) and the
// number of sweeps that changed it (a float scalar).
func (n net) meanField(s *op.Scope, p params, x tf.Output, steps int, tol float64) ([]tf.Output, tf.Output) {
	return n.meanFieldFrom(s, p, x, nil, steps, tol)
}

// meanFieldFrom is meanField started from the hidden layers' μ in start (start[0] unused), as
// the original starts it from the previous minibatch's μ; nil start is the bottom-up pass.
func (n net) meanFieldFrom(s *op.Scope, p params, x tf.Output, start []tf.Output, steps int, tol float64) ([]tf.Output, tf.Output) {
	mu, count, _ := n.meanFieldDone(s, p, x, tf.Output{}, start, steps, tol)
	return mu, count
}

// recomputeDataInput makes every mean-field sweep recompute layer 1's input from the rows, as
// before dataInput (tests compare both).
var recomputeDataInput bool

// dataInput adds layer 1's input from the clamped rows x, Stat(x)·W_0: the same in every sweep
// of x's mean field, so it is computed once (a third of a two-layer sweep's products).
func (n net) dataInput(s *op.Scope, p params, x tf.Output) tf.Output {
	s = s.SubScope("data_input")
	return tfops.SplitMatMul(s, n.units[0].Stat(s, x), p.W[0], false, n.devices)
}

// meanFieldDone is meanFieldFrom that also returns whether the sweeps converged (a bool scalar),
// for a mean field run in chunks of sweeps; below is x's dataInput if the caller has it (a zero
// Output: computed here).
func (n net) meanFieldDone(s *op.Scope, p params, x, below tf.Output, start []tf.Output, steps int, tol float64) ([]tf.Output, tf.Output, tf.Output) {
	s = s.SubScope("mean_field")
	mu := make([]tf.Output, n.top()+1)
	mu[0] = x
	if below.Op == nil {
		below = n.dataInput(s, p, x)
	}
	for l := 1; l <= n.top() && start != nil; l++ {
		mu[l] = start[l]
	}
	for l := 1; l <= n.top() && start == nil; l++ {
		ls := s.SubScope("init")
		f := 2.0
		if l == n.top() {
			f = 1
		}
		in := below
		if l > 1 {
			in = tfops.SplitMatMul(ls, n.units[l-1].Stat(ls, mu[l-1]), p.W[l-1], false, n.devices)
		}
		if f != 1 {
			in = op.Mul(ls, in, tfops.Scalar(ls, f, n.dt))
		}
		mu[l] = n.units[l].Mean(ls, in, p.b[l])
	}
	done := op.Const(s.SubScope("not_done"), false)
	count := tfops.Scalar(s.SubScope("count"), 0, n.dt)
	for i := 0; i < steps; i++ {
		is := s.SubScope("step")
		var next []tf.Output
		if recomputeDataInput {
			next, _ = n.sweep(is, p, mu, false, false, false, nil, i)
		} else {
			next = n.meanFieldSweep(is, p, mu, below)
		}
		var delta tf.Output
		for l := 1; l <= n.top(); l++ {
			ds := is.SubScope("delta")
			d := op.Max(ds, op.Reshape(ds, op.Abs(ds, op.Sub(ds, next[l], mu[l])), op.Const(ds.SubScope("flat"), []int64{-1})), op.Const(ds.SubScope("ax"), []int32{0}))
			if delta.Op == nil {
				delta = d
			} else {
				delta = op.Maximum(ds, delta, d)
			}
		}
		for l := 1; l <= n.top(); l++ {
			mu[l] = tfops.SelectV2(is.SubScope("keep"), done, mu[l], next[l])
		}
		count = op.AddV2(is.SubScope("count"), count, op.Cast(is, op.LogicalNot(is, done), n.dt))
		done = op.LogicalOr(is, done, op.LessEqual(is, delta, tfops.Scalar(is.SubScope("tol"), tol, n.dt)))
	}
	return mu, count, done
}

// meanFieldSweep adds one mean-field sweep h_1 → … → h_L of the clamped rows whose input to
// layer 1 is below (dataInput): sweep without sampling or the visible update, the same values
// bit for bit (layer 1's input is below + μ_2·W_1ᵀ, added in input's order), one product fewer.
func (n net) meanFieldSweep(s *op.Scope, p params, mu []tf.Output, below tf.Output) []tf.Output {
	s = s.SubScope("sweep")
	out := append([]tf.Output(nil), mu...)
	for l := 1; l <= n.top(); l++ {
		ls := s.SubScope("layer")
		var in tf.Output
		switch {
		case l > 1:
			in = n.input(ls, p, out, l)
		case n.top() == 1:
			in = below
		default:
			is := ls.SubScope("input")
			in = op.AddV2(is.SubScope("sum"), below, tfops.SplitMatMul(is, n.units[2].Stat(is, out[2]), p.W[1], true, n.devices))
		}
		out[l] = n.units[l].Mean(ls, in, p.b[l])
	}
	return out
}

// energy adds E(x) per row for the layer states xs.
func (n net) energy(s *op.Scope, p params, xs []tf.Output) tf.Output {
	s = s.SubScope("energy")
	var e tf.Output
	for l := range xs {
		se := n.units[l].SelfEnergy(s.SubScope("self"), xs[l], p.b[l])
		if e.Op == nil {
			e = se
		} else {
			e = op.AddV2(s.SubScope("sum"), e, se)
		}
	}
	for i := 0; i < n.top(); i++ {
		is := s.SubScope("interaction")
		inter := tfops.RowDot(is, tfops.SplitMatMul(is, n.units[i].Stat(is, xs[i]), p.W[i], false, n.devices), n.units[i+1].Stat(is, xs[i+1]))
		e = op.Sub(is, e, inter)
	}
	return e
}

// oddFreeEnergy adds −log p*_β(x_odd) per row: the free energy of the odd layers' states with
// the even layers (the visible layer included) summed or integrated out, with every
// interaction scaled by β (a scalar tensor; nil means 1):
//
//	F_β(x_odd) = Σ_{l odd} SelfEnergy_l(x_l) − Σ_{l even} LogPartition_l(β·input_l(x_odd))
//
// At β = 0 the layers are independent, which makes the biases-only model the base of AIS.
func (n net) oddFreeEnergy(s *op.Scope, p params, odd []tf.Output, beta tf.Output) tf.Output {
	s = s.SubScope("odd_free_energy")
	var f tf.Output
	acc := func(t tf.Output, neg bool) {
		if neg {
			t = op.Neg(s.SubScope("neg"), t)
		}
		if f.Op == nil {
			f = t
		} else {
			f = op.AddV2(s.SubScope("sum"), f, t)
		}
	}
	for l := 0; l <= n.top(); l++ {
		ls := s.SubScope("layer")
		if l%2 == 1 {
			acc(n.units[l].SelfEnergy(ls, odd[l], p.b[l]), false)
			continue
		}
		in := n.input(ls, p, odd, l) // every even layer has an odd neighbour
		if beta.Op != nil {
			in = op.Mul(ls.SubScope("beta"), in, beta)
		}
		acc(n.units[l].LogPartition(ls, in, p.b[l]), true)
	}
	return f
}

func rowsOf(s *op.Scope, x tf.Output) tf.Output {
	shape := op.Shape(s.SubScope("rows"), x, op.ShapeOutType(tf.Int32))
	return op.StridedSlice(s.SubScope("rows"), shape, op.Const(s.SubScope("b"), []int32{0}), op.Const(s.SubScope("e"), []int32{1}), op.Const(s.SubScope("st"), []int32{1}), op.StridedSliceShrinkAxisMask(1))
}

// annealGap adds log p*_cur(x_odd) − log p*_prev(x_odd) per row for inverse temperatures prev
// and cur: the odd layers' self-energies cancel, so it is the sum over even layers of
// LogPartition(cur·input) − LogPartition(prev·input), taken layer by layer to keep the
// cancellation of large terms out of the rounding. It also returns the even layers' inputs from
// the odd states (ins[l], zero for odd l), which the transition that follows reuses.
func (n net) annealGap(s *op.Scope, p params, odd []tf.Output, prev, cur tf.Output, bias func(s *op.Scope, l int, beta tf.Output) tf.Output) (gap tf.Output, ins []tf.Output) {
	s = s.SubScope("anneal_gap")
	ins = make([]tf.Output, n.top()+1)
	add := func(s *op.Scope, d tf.Output) {
		if gap.Op == nil {
			gap = d
		} else {
			gap = op.AddV2(s.SubScope("sum"), gap, d)
		}
	}
	for l := 0; l <= n.top(); l += 2 {
		ls := s.SubScope("layer")
		in := n.input(ls, p, odd, l)
		ins[l] = in
		add(ls, op.Sub(ls, n.units[l].LogPartition(ls.SubScope("cur"), op.Mul(ls.SubScope("bc"), in, cur), bias(ls.SubScope("bias_c"), l, cur)),
			n.units[l].LogPartition(ls.SubScope("prev"), op.Mul(ls.SubScope("bp"), in, prev), bias(ls.SubScope("bias_p"), l, prev))))
	}
	// The odd layers' own energy changes with their biases along the path.
	for l := 1; l <= n.top(); l += 2 {
		ls := s.SubScope("odd")
		add(ls, op.Sub(ls, n.units[l].SelfEnergy(ls.SubScope("prev"), odd[l], bias(ls.SubScope("bias_p"), l, prev)),
			n.units[l].SelfEnergy(ls.SubScope("cur"), odd[l], bias(ls.SubScope("bias_c"), l, cur))))
	}
	return gap, ins
}

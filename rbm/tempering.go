package rbm

import (
	"encoding/json"
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// Tempering is parallel tempering (replica exchange; Desjardins et al. 2010, Cho, Raiko &
// Ilin 2010): BatchSize chains at each of several inverse temperatures 1 = β₀ > β₁ > … ≥ 0,
// the model at β being p_β(v, h) ∝ exp(−β·E(v, h)). Every update runs K Gibbs steps in every
// replica, then proposes to swap the states of neighbouring replicas (r, r+1), r = 0, 1, …,
// accepting with probability min(1, exp((β_r − β_{r+1})·(E_r − E_{r+1}))), chain by chain. The
// β₀ chains give the negative phase. Hot replicas cross between modes that Gibbs sampling at
// β = 1 leaves rarely, so the negative phase mixes where PCD's does not.
//
// Tempering needs a joint energy whose natural parameters scale with β: Bernoulli or
// Multinomial units, and neither DBMFirst nor DBMLast.
type Tempering struct {
	// Betas are the inverse temperatures, from 1 down, decreasing, in [0, 1]. Nil means
	// Replicas values evenly spaced from 1 to 0.
	Betas []float64 `json:"betas,omitempty"`
	// Replicas is the number of temperatures when Betas is nil. Zero means 10.
	Replicas int `json:"replicas,omitempty"`
}

func init() {
	RegisterMethod(Tempering{}.Name(), func(b json.RawMessage) (Method, error) {
		var t Tempering
		if len(b) > 0 {
			if err := json.Unmarshal(b, &t); err != nil {
				return nil, err
			}
		}
		return t, nil
	})
}

// Name returns "pt".
func (Tempering) Name() string { return "pt" }

// Persistent returns true: replica 0 is the Sampler's persistent chains.
func (Tempering) Persistent() bool { return true }

// betas returns the inverse temperatures with defaults applied.
func (t Tempering) betas() []float64 {
	if t.Betas != nil {
		return t.Betas
	}
	n := t.Replicas
	if n == 0 {
		n = 10
	}
	b := make([]float64, n)
	for i := range b {
		b[i] = 1 - float64(i)/float64(max(n-1, 1))
	}
	return b
}

// Validate checks the temperatures and that the model has a tempered energy.
func (t Tempering) Validate(c Config) error {
	b := t.betas()
	switch {
	case len(b) < 2 || t.Replicas < 0 || t.Replicas == 1:
		return fmt.Errorf("%d replicas, want at least 2", len(b))
	case b[0] != 1:
		return fmt.Errorf("the first inverse temperature is %g, want 1 (the model's)", b[0])
	case c.DBMFirst || c.DBMLast:
		return fmt.Errorf("a DBM-pretraining RBM (DBMFirst, DBMLast) has no joint energy to temper")
	}
	for i := 1; i < len(b); i++ {
		if !(b[i] < b[i-1]) || b[i] < 0 || math.IsNaN(b[i]) {
			return fmt.Errorf("inverse temperature %d is %g, want decreasing values in [0, 1]", i, b[i])
		}
	}
	for _, u := range []Unit{c.Visible, c.Hidden} {
		if u.Domain() == Real {
			return fmt.Errorf("%s units can't be tempered by scaling their parameters (binary or discrete units only)", u.Name())
		}
	}
	return nil
}

// Variables returns the states of the replicas above the first, [(R−1)·BatchSize, nv],
// started at the data like the persistent chains (which are replica 0).
func (t Tempering) Variables(c Config) []StateVariable {
	r := int64(len(t.betas()) - 1)
	return []StateVariable{{Name: "tempering/chains", Shape: []int64{r * int64(c.BatchSize), int64(c.NumVisible)}, FromData: true}}
}

// Seed roles: replica r uses 10000·(r+1) + offset.
const (
	ptStart = 0    // hidden states given the replica's visible states
	ptGibbV = 1000 // + Gibbs step: visible samples
	ptGibbH = 3000 // + Gibbs step: hidden samples
	ptSwapH = 5000 // hidden states for the swap energies
	ptSwapU = 6000 // + r: the uniform draws of the swap of replicas r and r+1
	ptNegH  = 9000 // the negative phase's hidden means (their sample is unused)
)

// Negative runs every replica, swaps neighbours and returns the β = 1 chains.
func (t Tempering) Negative(s *op.Scope, sm *Sampler) (v, hMean, chains tf.Output, state []tf.Output) {
	betas := t.betas()
	c, dt := sm.Config, sm.Config.DType
	b := int64(c.BatchSize)
	vs := []tf.Output{sm.Chains}
	for r := 1; r < len(betas); r++ {
		rs := s.SubScope("replica_rows")
		vs = append(vs, op.Slice(rs, sm.State[0], op.Const(rs.SubScope("begin"), []int64{int64(r-1) * b, 0}), op.Const(rs.SubScope("size"), []int64{b, -1})))
	}
	hs := make([]tf.Output, len(betas))
	es := make([]tf.Output, len(betas))
	for r, beta := range betas {
		rs := s.SubScope("replica")
		base := 10000 * uint64(r+1)
		bt := tf.Output{}
		if r > 0 {
			bt = tfops.Scalar(rs.SubScope("beta"), beta, dt)
		}
		hm, h := sm.HiddenGiven(rs.SubScope("start"), vs[r], bt, base+ptStart)
		if c.HiddenMeans {
			h = hm
		}
		vs[r], _ = sm.Gibbs(rs, h, bt, sm.K, base+ptGibbV, base+ptGibbH)
		_, hs[r] = sm.HiddenGiven(rs.SubScope("swap_h"), vs[r], bt, base+ptSwapH)
		es[r] = sm.Energy(rs, vs[r], hs[r])
	}
	// Swap proposals between neighbours, in order; each chain accepts on its own.
	for r := 0; r+1 < len(betas); r++ {
		ws := s.SubScope("swap")
		dBeta := tfops.Scalar(ws.SubScope("dbeta"), betas[r]-betas[r+1], dt)
		logA := op.Mul(ws, dBeta, op.Sub(ws, es[r], es[r+1]))
		u := tfops.Uniform(ws, op.Shape(ws, es[r]), sm.Seed(ws, 10000+ptSwapU+uint64(r)), dt)
		acc := op.Less(ws, op.Log(ws, u), logA)
		rowAcc := op.ExpandDims(ws, acc, op.Const(ws.SubScope("axis"), int32(1)))
		vs[r], vs[r+1] = tfops.SelectV2(ws.SubScope("v_lo"), rowAcc, vs[r+1], vs[r]), tfops.SelectV2(ws.SubScope("v_hi"), rowAcc, vs[r], vs[r+1])
		es[r], es[r+1] = tfops.SelectV2(ws.SubScope("e_lo"), acc, es[r+1], es[r]), tfops.SelectV2(ws.SubScope("e_hi"), acc, es[r], es[r+1])
	}
	hMean, _ = sm.HiddenGiven(s.SubScope("negative_h"), vs[0], tf.Output{}, 10000+ptNegH) // only the mean is used
	rest := op.ConcatV2(s.SubScope("replicas"), vs[1:], op.Const(s.SubScope("axis"), int32(0)))
	return vs[0], hMean, vs[0], []tf.Output{rest}
}

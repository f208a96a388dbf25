package rbm

import (
	"math"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/fixtures"
	"github.com/boltzmann-go/boltzmann/tfops"
	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// TestCenteredCD1ByHand runs one deterministic CD-1 update (hidden means in the chain, visible
// means) with centering and compares W and the biases with the centered update written out:
// offsets μ = data mean, λ = mean of E[h | x]; ΔW = lr·(⟨(x−μ)(h₀−λ)ᵀ⟩ − ⟨(v₁−μ)(h₁−λ)ᵀ⟩),
// Δb = lr·(⟨x⟩ − ⟨v₁⟩ − ΔW/lr·λ), Δc = lr·(⟨h₀⟩ − ⟨h₁⟩ − (ΔW/lr)ᵀ·μ).
func TestCenteredCD1ByHand(t *testing.T) {
	const nv, nh, rows, lr = 4, 3, 5, 0.1
	x := fixtures.BinaryData(rows, nv, 2)
	tm := tiny{nv: nv, nh: nh}.withParams(8)
	m := newModel(t, Config{NumVisible: nv, NumHidden: nh, DType: tf.Double, InitW: tm.w, InitVisibleBias: tm.b, InitHiddenBias: tm.c,
		HiddenMeans: true, L2: F(0), LearningRate: []float64{lr}, Momentum: []float64{0}, BatchSize: rows, Epochs: 1, Centering: 0.05})
	fit(t, m, x)
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	up := func(v []float64) []float64 { // E[h | v] for each row
		h := make([]float64, rows*nh)
		for r := 0; r < rows; r++ {
			for j := 0; j < nh; j++ {
				a := tm.c[j]
				for i := 0; i < nv; i++ {
					a += v[r*nv+i] * tm.w[i*nh+j]
				}
				h[r*nh+j] = sig(a)
			}
		}
		return h
	}
	h0 := up(x.Data)
	v1 := make([]float64, rows*nv)
	for r := 0; r < rows; r++ {
		for i := 0; i < nv; i++ {
			a := tm.b[i]
			for j := 0; j < nh; j++ {
				a += h0[r*nh+j] * tm.w[i*nh+j]
			}
			v1[r*nv+i] = sig(a)
		}
	}
	h1 := up(v1)
	mu, lam := columnMeans(x.Data, nv), columnMeans(h0, nh)
	gW := make([]float64, nv*nh)
	for i := 0; i < nv; i++ {
		for j := 0; j < nh; j++ {
			for r := 0; r < rows; r++ {
				gW[i*nh+j] += ((x.Data[r*nv+i]-mu[i])*(h0[r*nh+j]-lam[j]) - (v1[r*nv+i]-mu[i])*(h1[r*nh+j]-lam[j])) / rows
			}
		}
	}
	gb, gc := make([]float64, nv), make([]float64, nh)
	xm, vm, h0m, h1m := columnMeans(x.Data, nv), columnMeans(v1, nv), columnMeans(h0, nh), columnMeans(h1, nh)
	for i := range gb {
		gb[i] = xm[i] - vm[i]
		for j := 0; j < nh; j++ {
			gb[i] -= gW[i*nh+j] * lam[j]
		}
	}
	for j := range gc {
		gc[j] = h0m[j] - h1m[j]
		for i := 0; i < nv; i++ {
			gc[j] -= gW[i*nh+j] * mu[i]
		}
	}
	w, vb, hb, err := m.Weights()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name            string
		got, start, dir []float64
	}{{"W", w, tm.w, gW}, {"vb", vb, tm.b, gb}, {"hb", hb, tm.c, gc}} {
		for i := range c.got {
			if want := c.start[i] + lr*c.dir[i]; math.Abs(c.got[i]-want) > 1e-12 {
				t.Errorf("%s[%d] = %.15f, want %.15f", c.name, i, c.got[i], want)
			}
		}
	}
}

// TestCenteringResumeAndValidate: a centered run saved and resumed equals an uninterrupted one
// bit for bit (the offsets are in the checkpoint); centering refuses Gaussian units and bad rates.
func TestCenteringResumeAndValidate(t *testing.T) {
	x := fixtures.BinaryData(40, 8, 4)
	cfg := Config{NumVisible: 8, NumHidden: 5, DType: tf.Double, Seed: 3, Epochs: 4, BatchSize: 10, Centering: 0.1, Persistent: true}
	resumeMatches(t, cfg, x, 2)
	for name, c := range map[string]Config{
		"gaussian": {Visible: Gaussian{}, Centering: 0.1},
		"rate 1":   {Centering: 1},
		"negative": {Centering: -0.1},
	} {
		c.NumVisible = 8
		if ce, ok := c.Validate().(*ConfigError); !ok || ce.Field != "Centering" {
			t.Errorf("%s: Validate = %v, want a ConfigError for Centering", name, c.Validate())
		}
	}
}

// columnMeans returns the column means of the row-major matrix x of cols columns.
func columnMeans(x []float64, cols int) []float64 {
	return tfops.ColumnMeans(&dataset.Matrix[float64]{Rows: len(x) / cols, Cols: cols, Data: x}, len(x)/cols)
}

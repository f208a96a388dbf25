package mlp

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// blobs returns n rows of d-dimensional points around k well-separated centres, and labels.
func blobs(n, d, k int, spread float64, seed uint64) (*dataset.Matrix[float64], []int) {
	r := rand.New(rand.NewPCG(seed, 1))
	centres := make([][]float64, k)
	for c := range centres {
		centres[c] = make([]float64, d)
		for j := range centres[c] {
			centres[c][j] = 4 * r.NormFloat64()
		}
	}
	x := dataset.NewMatrix[float64](n, d)
	y := make([]int, n)
	for i := 0; i < n; i++ {
		y[i] = r.IntN(k)
		for j := 0; j < d; j++ {
			x.Data[i*d+j] = centres[y[i]][j] + spread*r.NormFloat64()
		}
	}
	return x, y
}

func smallConfig(dt tf.DataType) Config {
	return Config{
		Inputs: 5, DType: dt, BatchSize: 16, Epochs: 30, LearningRate: 0.01,
		Layers: []Layer{
			{Units: 8, Activation: Sigmoid, Seed: 1, L2: 1e-3, LRMultiplier: 0.5},
			{Units: 6, Activation: ReLU, Seed: 2, L2: 2e-3},
			{Units: 3, Activation: Softmax, Seed: 3},
		},
	}
}

// lossAndGrad adds to m's graph the loss (without dropout) of the rows x with labels y and its
// gradients with respect to every kernel and bias, and evaluates them.
func lossAndGrad(t *testing.T, m *MLP, x *dataset.Matrix[float64], y []int) (float64, [][]float64) {
	t.Helper()
	s := op.NewScopeWithGraph(m.graph).SubScope("test_grad")
	c := m.cfg
	xt, _ := tfops.TensorAs(x.Data, c.DType, int64(x.Rows), int64(x.Cols))
	labels := make([]int32, len(y))
	for i, v := range y {
		labels[i] = int32(v)
	}
	w, b := m.readParams(s)
	logits, _ := forward(s, c, w, b, readBN(s, m.bn), op.Const(s.SubScope("x"), xt), nil, false)
	loss := op.AddV2(s, dataLoss(s.SubScope("loss"), c, logits, op.Const(s.SubScope("y"), labels)), penalty(s.SubScope("penalty"), c, w))
	var vals []tf.Output
	for i := range w {
		vals = append(vals, w[i], b[i])
	}
	grads := op.Gradients(s.SubScope("grads"), []tf.Output{loss}, vals)
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	out, err := m.sess.Run(nil, append([]tf.Output{loss}, grads...), nil)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := tfops.Values[float64](out[0])
	var g [][]float64
	for _, o := range out[1:] {
		v, _ := tfops.Values[float64](o)
		g = append(g, v)
	}
	return l[0], g
}

// TestGradientsAgainstFiniteDifferences checks TensorFlow's gradients of the training loss
// (cross-entropy + L2 through sigmoid and ReLU layers) against central differences of the loss
// that Evaluate computes independently in Go.
func TestGradientsAgainstFiniteDifferences(t *testing.T) {
	x, y := blobs(20, 5, 3, 1, 7)
	m, err := New(smallConfig(tf.Double))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	loss, grads := lossAndGrad(t, m, x, y)
	evalLoss, _, err := m.Evaluate(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(loss-evalLoss) > 1e-12 {
		t.Fatalf("graph loss %.15g, Evaluate %.15g", loss, evalLoss)
	}
	kernels, biases, err := m.Weights()
	if err != nil {
		t.Fatal(err)
	}
	params := [][]float64{}
	for i := range kernels {
		params = append(params, kernels[i], biases[i])
	}
	const h = 1e-6
	checked := 0
	for pi, p := range params {
		for j := 0; j < len(p); j += 3 {
			orig := p[j]
			eval := func(v float64) float64 {
				p[j] = v
				if err := m.SetWeights(split(params)); err != nil {
					t.Fatal(err)
				}
				l, _, err := m.Evaluate(x, y)
				if err != nil {
					t.Fatal(err)
				}
				return l
			}
			fd := (eval(orig+h) - eval(orig-h)) / (2 * h)
			p[j] = orig
			if math.Abs(fd-grads[pi][j]) > 1e-7+1e-5*math.Abs(fd) {
				t.Errorf("param %d[%d]: gradient %.10g, finite difference %.10g", pi, j, grads[pi][j], fd)
			}
			checked++
		}
	}
	if checked < 40 {
		t.Fatalf("only %d gradients checked", checked)
	}
}

func split(params [][]float64) (k, b [][]float64) {
	for i := 0; i < len(params); i += 2 {
		k, b = append(k, params[i]), append(b, params[i+1])
	}
	return k, b
}

// TestFirstStepAppliesLayerMultipliers checks one Fit minibatch against the Adam step computed
// from the gradient: the first step moves each parameter by lr·mult·g·√(1−β2)/(√(1−β2)|g|+ε),
// with each layer's own multiplier.
func TestFirstStepAppliesLayerMultipliers(t *testing.T) {
	x, y := blobs(16, 5, 3, 1, 9)
	c := smallConfig(tf.Double)
	c.Epochs = 1
	c.Layers[2].LRMultiplier = 3
	m, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	_, grads := lossAndGrad(t, m, x, y)
	k0, b0, _ := m.Weights()
	if _, err := m.Fit(context.Background(), x, y, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	k1, b1, _ := m.Weights()
	mult := []float64{0.5, 1, 3}
	lr := c.LearningRate
	for l := range k0 {
		for pi, pair := range [][2][]float64{{k0[l], k1[l]}, {b0[l], b1[l]}} {
			g := grads[2*l+pi]
			for j := range g {
				want := -lr * mult[l] * g[j] * math.Sqrt(1-0.999) / (math.Sqrt(1-0.999)*math.Abs(g[j]) + 1e-8)
				if got := pair[1][j] - pair[0][j]; math.Abs(got-want) > 1e-12 {
					t.Fatalf("layer %d param %d[%d]: step %.15g, want %.15g", l+1, pi, j, got, want)
				}
			}
		}
	}
}

// TestFitSeparable trains on well-separated blobs: the network must classify held-out points
// perfectly, and the same seed must give the same weights bit for bit.
func TestFitSeparable(t *testing.T) {
	x, y := blobs(400, 5, 3, 0.5, 11)
	vx, vy := blobs(200, 5, 3, 0.5, 11) // same centres (same seed), new points
	for _, dt := range []tf.DataType{tf.Float, tf.Double} {
		var weights [][][]float64
		for run := 0; run < 2; run++ {
			c := smallConfig(dt)
			c.Shuffle = true
			c.Layers[0].Dropout = 0.1
			m, err := New(c)
			if err != nil {
				t.Fatal(err)
			}
			hist, err := m.Fit(context.Background(), x, vy2(x, y), vx, vy, &FitOptions{EarlyStopping: &EarlyStopping{Patience: 100}, Plateau: &Plateau{Patience: 100}})
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) != c.Epochs {
				t.Fatalf("%d epochs, want %d", len(hist), c.Epochs)
			}
			last := hist[len(hist)-1]
			if last.ValAcc != 1 || last.Acc < 0.99 {
				t.Errorf("%s: val acc %g, train acc %g, want 1", tfops.DTypeName(dt), last.ValAcc, last.Acc)
			}
			pred, err := m.Classify(vx)
			if err != nil {
				t.Fatal(err)
			}
			for i := range pred {
				if pred[i] != vy[i] {
					t.Fatalf("row %d classified %d, want %d", i, pred[i], vy[i])
				}
			}
			k, _, _ := m.Weights()
			weights = append(weights, k)
			m.Close()
		}
		for l := range weights[0] {
			for j := range weights[0][l] {
				if weights[0][l][j] != weights[1][l][j] {
					t.Fatalf("%s: same seed, different weights at layer %d [%d]", tfops.DTypeName(dt), l, j)
				}
			}
		}
	}
}

func vy2(_ *dataset.Matrix[float64], y []int) []int { return y }

// TestRestoreBestAndInterrupt stops training through the context and checks that the best
// epoch's weights are restored and the context's error returned.
func TestRestoreBestAndInterrupt(t *testing.T) {
	x, y := blobs(200, 5, 3, 2, 5)
	vx, vy := blobs(100, 5, 3, 2, 5)
	c := smallConfig(tf.Double)
	c.Epochs = 6
	m, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var bestW [][]float64
	bestEpoch := 0
	hist, err := m.Fit(ctx, x, y, vx, vy, &FitOptions{Monitor: ValLoss, RestoreBest: true, OnEpoch: func(st EpochStats) error {
		if st.Best {
			bestW, _, _ = m.Weights()
			bestEpoch = st.Epoch
		}
		if st.Epoch == 4 {
			cancel()
		}
		return nil
	}})
	if err != context.Canceled {
		t.Fatalf("Fit returned %v, want context.Canceled", err)
	}
	if len(hist) != 4 || bestEpoch == 0 {
		t.Fatalf("%d epochs, best %d", len(hist), bestEpoch)
	}
	k, _, _ := m.Weights()
	for l := range k {
		for j := range k[l] {
			if k[l][j] != bestW[l][j] {
				t.Fatalf("weights are not those of the best epoch %d", bestEpoch)
			}
		}
	}
}

// TestEarlyStoppingScripted replays validation curves through EarlyStopping and checks the
// epoch at which Keras 2.0.8 stops.
func TestEarlyStoppingScripted(t *testing.T) {
	for _, tc := range []struct {
		curve    []float64
		max      bool
		patience int
		stop     int // 1-based epoch at which Observe first returns true, 0 for never
	}{
		{[]float64{0.9, 0.91, 0.91, 0.90, 0.91}, true, 2, 5},
		{[]float64{0.9, 0.91, 0.92, 0.93}, true, 0, 0},
		{[]float64{0.9, 0.9}, true, 0, 2},
		{[]float64{1.0, 0.9, 0.95, 0.8, 0.85, 0.85, 0.85}, false, 2, 7},
	} {
		e := &EarlyStopping{Patience: tc.patience}
		got := 0
		for i, v := range tc.curve {
			if e.Observe(v, tc.max) {
				got = i + 1
				break
			}
		}
		if got != tc.stop {
			t.Errorf("%v (max %v, patience %d): stopped at %d, want %d", tc.curve, tc.max, tc.patience, got, tc.stop)
		}
	}
}

// TestPlateauScripted replays a curve through Plateau: Keras 2.0.8 reduces on the
// (patience+1)-th epoch without an improvement larger than 1e-4, then after patience more.
func TestPlateauScripted(t *testing.T) {
	p := &Plateau{Factor: 0.2, Patience: 2, MinLR: 1e-5}
	curve := []float64{0.5, 0.6, 0.60005, 0.6, 0.6, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7}
	want := []float64{1e-3, 1e-3, 1e-3, 1e-3, 2e-4, 2e-4, 2e-4, 2e-4, 4e-5, 4e-5, 1e-5, 1e-5, 1e-5}
	lr := 1e-3
	for i, v := range curve {
		lr = p.Observe(v, true, lr)
		if math.Abs(lr-want[i]) > 1e-15 {
			t.Fatalf("epoch %d: lr %g, want %g", i+1, lr, want[i])
		}
	}
}

// TestDropoutMask checks the inverted-dropout op: about a fraction rate of zeros, the rest
// scaled by 1/(1−rate).
func TestDropoutMask(t *testing.T) {
	s := op.NewScope()
	ones, _ := tfops.TensorAs(onesN(20000), tf.Double, 100, 200)
	out := dropout(s, op.Const(s.SubScope("x"), ones), 0.3, tfops.Seed(s, 42, op.Const(s.SubScope("step"), int64(1))))
	g, err := s.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	sess, _ := tfops.NewSession(g, nil)
	defer sess.Close()
	r, err := sess.Run(nil, []tf.Output{out}, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := tfops.Values[float64](r[0])
	zeros := 0
	for _, x := range v {
		switch {
		case x == 0:
			zeros++
		case math.Abs(x-1/0.7) > 1e-15:
			t.Fatalf("kept value %g, want %g", x, 1/0.7)
		}
	}
	frac, sd := float64(zeros)/20000, math.Sqrt(0.3*0.7/20000)
	if math.Abs(frac-0.3) > 4*sd {
		t.Errorf("dropped fraction %g, want 0.3 ± %g", frac, 4*sd)
	}
}

func onesN(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	return v
}

// TestSaveLoad round-trips a trained model: same predictions, epoch and learning rate.
func TestSaveLoad(t *testing.T) {
	x, y := blobs(100, 5, 3, 1, 3)
	c := smallConfig(tf.Float)
	c.Epochs = 2
	m, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Fit(context.Background(), x, y, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	p1, _ := m.Predict(x)
	p2, _ := m2.Predict(x)
	for i := range p1.Data {
		if p1.Data[i] != p2.Data[i] {
			t.Fatalf("prediction %d: %g after load, %g before", i, p2.Data[i], p1.Data[i])
		}
	}
	if m2.Epoch() != 2 || m2.LearningRate() != m.LearningRate() {
		t.Errorf("loaded epoch %d lr %g", m2.Epoch(), m2.LearningRate())
	}
	if _, err := Load(t.TempDir()); err == nil {
		t.Error("Load of an empty directory succeeded")
	}
}

// TestBadInput checks that wrong shapes, labels and configs give errors, not panics.
func TestBadInput(t *testing.T) {
	bad := []Config{
		{},
		{Inputs: 3},
		{Inputs: 3, Layers: []Layer{{Units: 0, Activation: Softmax}}},
		{Inputs: 3, Layers: []Layer{{Units: 2, Activation: "tanh"}}},
		{Inputs: 3, Layers: []Layer{{Units: 2, Activation: Softmax}, {Units: 2, Activation: Softmax}}},
		{Inputs: 3, Layers: []Layer{{Units: 2, Activation: Softmax, InitW: []float64{1}}}},
		{Inputs: 1, Layers: []Layer{{Units: 1, Activation: Softmax, InitW: []float64{math.NaN()}}}},
		{Inputs: 3, Layers: []Layer{{Units: 2, Activation: Softmax, Dropout: 1}}},
		{Inputs: 3, Layers: []Layer{{Units: 2, Activation: Softmax, L2: -1}}},
		{Inputs: 3, Layers: []Layer{{Units: 2, Activation: Softmax}}, LearningRate: math.NaN()},
	}
	for i, c := range bad {
		if m, err := New(c); err == nil {
			m.Close()
			t.Errorf("config %d accepted", i)
		}
	}
	m, err := New(smallConfig(tf.Float))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	x, y := blobs(10, 5, 3, 1, 1)
	wrong, _ := blobs(10, 4, 3, 1, 1)
	ctx := context.Background()
	if _, err := m.Fit(ctx, wrong, y, nil, nil, nil); err == nil {
		t.Error("wrong columns accepted")
	}
	if _, err := m.Fit(ctx, x, y[:5], nil, nil, nil); err == nil {
		t.Error("wrong label count accepted")
	}
	y2 := append([]int(nil), y...)
	y2[0] = 7
	if _, err := m.Fit(ctx, x, y2, nil, nil, nil); err == nil {
		t.Error("label 7 of 3 classes accepted")
	}
	if _, err := m.Fit(ctx, x, y, nil, nil, &FitOptions{RestoreBest: true}); err == nil {
		t.Error("RestoreBest without validation data accepted")
	}
	if _, err := m.Fit(ctx, x, y, x, y, &FitOptions{Monitor: "acc"}); err == nil {
		t.Error("monitor acc accepted")
	}
	x.Data[3] = math.NaN()
	if _, err := m.Predict(x); err == nil {
		t.Error("NaN accepted")
	}
}

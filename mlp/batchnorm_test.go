package mlp

import (
	"math"
	"path/filepath"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
	"gonum.org/v1/gonum/floats"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/tfops"
)

func bnConfig() Config {
	return Config{
		Inputs: 5, DType: tf.Double, BatchSize: 20, Epochs: 1, LearningRate: 0.01,
		Layers: []Layer{
			{Units: 6, Activation: ReLU, Seed: 1, L2: 1e-3, BatchNorm: true},
			{Units: 4, Activation: Sigmoid, Seed: 2, BatchNorm: true},
			{Units: 3, Activation: Softmax, Seed: 3},
		},
	}
}

// refNet is the network written out in Go: kernels, biases and, per layer, γ, β and the
// running mean and variance (nil without batch normalization).
type refNet struct {
	c    Config
	k, b [][]float64
	bn   [][][]float64
}

// forward returns the logits of the rows of x and, per batch-normalized layer, the minibatch
// mean and variance (training) or uses the running ones (inference).
func (r refNet) forward(x *dataset.Matrix[float64], training bool) ([][]float64, [][2][]float64) {
	h := make([][]float64, x.Rows)
	for i := range h {
		h[i] = append([]float64(nil), x.Row(i)...)
	}
	stats := make([][2][]float64, len(r.c.Layers))
	for li, l := range r.c.Layers {
		in := len(h[0])
		a := make([][]float64, len(h))
		for i := range h {
			a[i] = make([]float64, l.Units)
			for j := 0; j < l.Units; j++ {
				v := r.b[li][j]
				for p := 0; p < in; p++ {
					v += h[i][p] * r.k[li][p*l.Units+j]
				}
				a[i][j] = v
			}
		}
		if li == len(r.c.Layers)-1 {
			return a, stats
		}
		if l.BatchNorm {
			g, be, mean, vr := r.bn[li][0], r.bn[li][1], r.bn[li][2], r.bn[li][3]
			if training {
				mean, vr = make([]float64, l.Units), make([]float64, l.Units)
				for j := range mean {
					for i := range a {
						mean[j] += a[i][j] / float64(len(a))
					}
					for i := range a {
						vr[j] += (a[i][j] - mean[j]) * (a[i][j] - mean[j]) / float64(len(a))
					}
				}
				stats[li] = [2][]float64{mean, vr}
			}
			for i := range a {
				for j := range a[i] {
					a[i][j] = g[j]*(a[i][j]-mean[j])/math.Sqrt(vr[j]+bnEpsilon) + be[j]
				}
			}
		}
		for i := range a {
			for j := range a[i] {
				switch l.Activation {
				case ReLU:
					a[i][j] = math.Max(0, a[i][j])
				case Sigmoid:
					a[i][j] = 1 / (1 + math.Exp(-a[i][j]))
				}
			}
		}
		h = a
	}
	return h, stats
}

// loss is the mean cross-entropy of the training-mode forward pass plus the L2 penalty.
func (r refNet) loss(x *dataset.Matrix[float64], y []int) float64 {
	logits, _ := r.forward(x, true)
	total := 0.0
	for i, row := range logits {
		total += floats.LogSumExp(row) - row[y[i]]
	}
	total /= float64(len(logits))
	for li, l := range r.c.Layers {
		for _, w := range r.k[li] {
			total += l.L2 * w * w
		}
	}
	return total
}

func refOf(t *testing.T, m *MLP) refNet {
	t.Helper()
	k, b, err := m.Weights()
	if err != nil {
		t.Fatal(err)
	}
	bn, err := m.bnValues()
	if err != nil {
		t.Fatal(err)
	}
	return refNet{c: m.cfg, k: k, b: b, bn: bn}
}

// TestBatchNormGradients checks the graph's gradients of the training-mode loss (minibatch
// statistics) with respect to every kernel, bias, γ and β against central differences of the
// loss written out in Go.
func TestBatchNormGradients(t *testing.T) {
	x, y := blobs(20, 5, 3, 1, 5)
	m, err := New(bnConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ref := refOf(t, m)
	// Non-trivial γ and β.
	for li := range ref.bn {
		for j := range ref.bn[li] {
			if j < 2 {
				for u := range ref.bn[li][j] {
					ref.bn[li][j][u] += 0.3 * math.Sin(float64(3*u+j+li))
				}
			}
		}
	}
	if err := m.setBN(ref.bn); err != nil {
		t.Fatal(err)
	}
	s := op.NewScopeWithGraph(m.graph).SubScope("test_bn_grad")
	c := m.cfg
	xt, _ := tfops.TensorAs(x.Data, c.DType, int64(x.Rows), int64(x.Cols))
	labels := make([]int32, len(y))
	for i, v := range y {
		labels[i] = int32(v)
	}
	w, b := m.readParams(s)
	bn := readBN(s, m.bn)
	logits, _ := forward(s, c, w, b, bn, op.Const(s.SubScope("x"), xt), nil, true)
	loss := op.AddV2(s, dataLoss(s.SubScope("loss"), c, logits, op.Const(s.SubScope("y"), labels)), penalty(s.SubScope("penalty"), c, w))
	params := []*[]float64{}
	var vals []tf.Output
	for i := range w {
		vals = append(vals, w[i], b[i])
		params = append(params, &ref.k[i], &ref.b[i])
		if bn[i].gamma.Op != nil {
			vals = append(vals, bn[i].gamma, bn[i].beta)
			params = append(params, &ref.bn[i][0], &ref.bn[i][1])
		}
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
	if got := ref.loss(x, y); math.Abs(got-l[0]) > 1e-12 {
		t.Fatalf("graph training loss %.15g, Go %.15g", l[0], got)
	}
	const h = 1e-6
	checked := 0
	for pi, p := range params {
		g, _ := tfops.Values[float64](out[1+pi])
		for j := 0; j < len(*p); j += 2 {
			orig := (*p)[j]
			(*p)[j] = orig + h
			up := ref.loss(x, y)
			(*p)[j] = orig - h
			down := ref.loss(x, y)
			(*p)[j] = orig
			fd := (up - down) / (2 * h)
			if math.Abs(fd-g[j]) > 1e-7+1e-5*math.Abs(fd) {
				t.Errorf("param %d[%d]: gradient %.10g, finite difference %.10g", pi, j, g[j], fd)
			}
			checked++
		}
	}
	if checked < 50 {
		t.Fatalf("only %d gradients checked", checked)
	}
}

// TestBatchNormRunningStatsAndInference trains one minibatch: the running mean and variance move
// by 1 % towards the minibatch's (Keras' momentum 0.99), inference uses them, and the model
// saves, loads and exports with them.
func TestBatchNormRunningStatsAndInference(t *testing.T) {
	x, y := blobs(20, 5, 3, 1, 6)
	m, err := New(bnConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	before := refOf(t, m)
	_, stats := before.forward(x, true)
	if _, err := m.Fit(t.Context(), x, y, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	after := refOf(t, m)
	for li, st := range stats {
		if st[0] == nil {
			continue
		}
		for j := range st[0] {
			wantM, wantV := 0.01*st[0][j], 0.99+0.01*st[1][j]
			if math.Abs(after.bn[li][2][j]-wantM) > 1e-12 || math.Abs(after.bn[li][3][j]-wantV) > 1e-12 {
				t.Errorf("layer %d unit %d: running mean, variance %.12f, %.12f; want %.12f, %.12f", li, j, after.bn[li][2][j], after.bn[li][3][j], wantM, wantV)
			}
		}
	}
	probs, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	logits, _ := after.forward(x, false)
	for i, row := range logits {
		lse := floats.LogSumExp(row)
		for j, v := range row {
			if want := math.Exp(v - lse); math.Abs(probs.Data[i*3+j]-want) > 1e-12 {
				t.Fatalf("row %d class %d: probability %.15f, inference with the running statistics %.15f", i, j, probs.Data[i*3+j], want)
			}
		}
	}
	dir := filepath.Join(t.TempDir(), "m")
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Close()
	again, err := loaded.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range again.Data {
		if again.Data[i] != probs.Data[i] {
			t.Fatalf("loaded model predicts %v, saved one %v", again.Data[i], probs.Data[i])
		}
	}
	if (Config{Inputs: 2, Layers: []Layer{{Units: 2, Activation: Softmax, BatchNorm: true}}}).Validate() == nil {
		t.Error("batch normalization accepted on the output layer")
	}
}

// TestEvaluateClipsAsKeras: a row whose label gets probability e^-40 counts −log 1e-7 in the
// validation loss, as Keras' clipped categorical cross-entropy reports it.
func TestEvaluateClipsAsKeras(t *testing.T) {
	m, err := New(Config{Inputs: 1, DType: tf.Double, Layers: []Layer{{Units: 2, Activation: Softmax, InitW: []float64{20, -20}, InitB: []float64{0, 0}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	x := &dataset.Matrix[float64]{Rows: 2, Cols: 1, Data: []float64{1, 1}}
	loss, _, err := m.Evaluate(x, []int{1, 0}) // row 1: p(label) = σ(−40); row 2: ≈ 1
	if err != nil {
		t.Fatal(err)
	}
	want := (-math.Log(1e-7) - math.Log1p(-1e-7)) / 2
	if math.Abs(loss-want) > 1e-12 {
		t.Errorf("loss %.12f, want Keras' clipped %.12f", loss, want)
	}
}

package mlp

import (
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"gonum.org/v1/gonum/floats"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// evalChunk is the number of rows fed per Session.Run at inference.
const evalChunk = 2000

// Data is a matrix of samples, one per row: a *dataset.Matrix[float32] or [float64].
type Data = tfops.Data

// Predict returns the output of the network for each row of x: class probabilities for a
// softmax output (rows×classes).
func (m *MLP) Predict(x Data) (*dataset.Matrix[float64], error) {
	if _, err := tfops.CheckData("mlp: predict: data", x, m.cfg.Inputs); err != nil {
		return nil, err
	}
	r, err := tfops.Rowwise(m.sess, x, m.x, m.cfg.DType, evalChunk, "mlp: predict", m.probs)
	if err != nil {
		return nil, err
	}
	k := m.cfg.Classes()
	return &dataset.Matrix[float64]{Rows: len(r[0]) / k, Cols: k, Data: r[0]}, nil
}

// Classify returns the most probable class of each row of x (the smallest index on ties).
func (m *MLP) Classify(x Data) ([]int, error) {
	p, err := m.Predict(x)
	if err != nil {
		return nil, err
	}
	return Argmax(p), nil
}

// Argmax returns the column of the largest value of each row (the first on ties).
func Argmax(p *dataset.Matrix[float64]) []int {
	out := make([]int, p.Rows)
	for i := range out {
		out[i] = argmax(p.Row(i))
	}
	return out
}

// argmax returns the index of the largest value of v (the first on ties).
func argmax(v []float64) int {
	best := 0
	for j, x := range v {
		if x > v[best] {
			best = j
		}
	}
	return best
}

// Evaluate returns the loss (mean cross-entropy of the labels plus the L2 penalty, as Keras
// reports val_loss) and the accuracy of the network on the rows of x with labels y. The
// cross-entropy is computed in float64 from the logits, with the label's probability clipped to
// [1e-7, 1 − 1e-7] as Keras' categorical_crossentropy clips it (a row's loss is at most
// −log 1e-7 ≈ 16.1), so that early stopping on val_loss sees the original's numbers.
func (m *MLP) Evaluate(x Data, y []int) (loss, acc float64, err error) {
	n, err := tfops.CheckData("mlp: evaluate: data", x, m.cfg.Inputs)
	if err != nil {
		return 0, 0, err
	}
	if err := checkLabels(y, n, m.cfg.Classes()); err != nil {
		return 0, 0, nest.Within("mlp: evaluate", err)
	}
	r, err := tfops.Rowwise(m.sess, x, m.x, m.cfg.DType, evalChunk, "mlp: evaluate", m.logits)
	if err != nil {
		return 0, 0, err
	}
	pen, err := m.sess.Run(nil, []tf.Output{m.penalty}, nil)
	if err != nil {
		return 0, 0, nest.Within("mlp: evaluate", err)
	}
	pv, err := tfops.Values[float64](pen[0])
	if err != nil {
		return 0, 0, nest.Within("mlp: evaluate", err)
	}
	k := m.cfg.Classes()
	logits := r[0]
	var ce float64
	correct := 0
	softmax := m.cfg.Layers[len(m.cfg.Layers)-1].Activation == Softmax
	for i := 0; i < n; i++ {
		row := logits[i*k : (i+1)*k]
		if argmax(row) == y[i] {
			correct++
		}
		if softmax {
			ce += math.Min(math.Max(floats.LogSumExp(row)-row[y[i]], kerasMinCE), kerasMaxCE)
		}
	}
	if !softmax {
		ce = math.NaN() // the loss of a non-softmax output is not a cross-entropy
	}
	return ce/float64(n) + pv[0], float64(correct) / float64(n), nil
}

// kerasMaxCE is −log 1e-7, the largest cross-entropy of one row once Keras has clipped the
// probability of its label to 1e-7.
var kerasMaxCE = -math.Log(1e-7)

// kerasMinCE is −log(1 − 1e-7), the smallest, once the probability is clipped to 1 − 1e-7.
var kerasMinCE = -math.Log1p(-1e-7)

// checkLabels checks that y has n labels in [0, k).
func checkLabels(y []int, n, k int) error {
	if len(y) != n {
		return fmt.Errorf("%d labels for %d rows: %w", len(y), n, tfops.ErrShape)
	}
	for i, v := range y {
		if v < 0 || v >= k {
			return fmt.Errorf("label %d of row %d is outside [0, %d): %w", v, i, k, tfops.ErrData)
		}
	}
	return nil
}

package crbm

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"gonum.org/v1/gonum/floats"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// Data is a matrix of samples, one per row: a *dataset.Matrix[float32] or [float64].
type Data = tfops.Data

// evalChunk is the number of rows fed per Session.Run at inference.
const evalChunk = 1000

// PredictProba returns p(y | x) for each row of x and every label (rows×Classes), exact: the
// hidden units are summed out analytically and the label normalized over its Classes values.
func (m *CRBM) PredictProba(x Data) (*dataset.Matrix[float64], error) {
	if _, err := tfops.CheckData("crbm: predict: data", x, m.cfg.NumVisible); err != nil {
		return nil, err
	}
	r, err := tfops.Rowwise(m.sess, x, m.x, m.cfg.DType, evalChunk, "crbm: predict", m.probs)
	if err != nil {
		return nil, err
	}
	k := m.cfg.Classes
	return &dataset.Matrix[float64]{Rows: len(r[0]) / k, Cols: k, Data: r[0]}, nil
}

// LogProba returns log p(y | x) up to nothing: the normalized log-probabilities of every label
// for each row of x (rows×Classes), computed from the logits in float64.
func (m *CRBM) LogProba(x Data) (*dataset.Matrix[float64], error) {
	lg, err := m.Logits(x)
	if err != nil {
		return nil, err
	}
	for i := 0; i < lg.Rows; i++ {
		row := lg.Row(i)
		z := floats.LogSumExp(row)
		for j := range row {
			row[j] -= z
		}
	}
	return lg, nil
}

// Logits returns the unnormalized log p(y | x), d_y + Σ_j softplus(c_j + U_yj + W_·j·x), for
// each row of x and every label (rows×Classes).
func (m *CRBM) Logits(x Data) (*dataset.Matrix[float64], error) {
	if _, err := tfops.CheckData("crbm: logits: data", x, m.cfg.NumVisible); err != nil {
		return nil, err
	}
	r, err := tfops.Rowwise(m.sess, x, m.x, m.cfg.DType, evalChunk, "crbm: logits", m.logits)
	if err != nil {
		return nil, err
	}
	k := m.cfg.Classes
	return &dataset.Matrix[float64]{Rows: len(r[0]) / k, Cols: k, Data: r[0]}, nil
}

// Predict returns the most probable label of each row of x (the smallest on ties).
func (m *CRBM) Predict(x Data) ([]int, error) {
	lg, err := m.Logits(x)
	if err != nil {
		return nil, err
	}
	out := make([]int, lg.Rows)
	for i := range out {
		out[i] = argmax(lg.Row(i))
	}
	return out, nil
}

// Evaluate returns the mean negative conditional log-likelihood −log p(y | x) and the error
// rate of the model on the rows of x with labels y in [0, Classes).
func (m *CRBM) Evaluate(x Data, y []int) (loss, errRate float64, err error) {
	lg, err := m.Logits(x)
	if err != nil {
		return 0, 0, err
	}
	if err := checkLabels(y, lg.Rows, m.cfg.Classes); err != nil {
		return 0, 0, nest.Within("crbm: evaluate", err)
	}
	wrong := 0
	for i := 0; i < lg.Rows; i++ {
		row := lg.Row(i)
		loss += floats.LogSumExp(row) - row[y[i]]
		if argmax(row) != y[i] {
			wrong++
		}
	}
	n := float64(lg.Rows)
	return loss / n, float64(wrong) / n, nil
}

// Gradients returns, for the rows of x with labels y, the exact gradient of the mean of
// log p(y | x) with respect to the parameters (an ascent direction, without L2), the CD-k
// estimate of the gradient of the mean of log p(x, y) drawn with the random streams of update
// step, and the mean −log p(y | x).
func (m *CRBM) Gradients(x Data, y []int, step int64) (disc, gen Params, loss float64, err error) {
	n, err := tfops.CheckData("crbm: gradients: data", x, m.cfg.NumVisible)
	if err != nil {
		return Params{}, Params{}, 0, err
	}
	if err := checkLabels(y, n, m.cfg.Classes); err != nil {
		return Params{}, Params{}, 0, nest.Within("crbm: gradients", err)
	}
	xt, err := tfops.RowsTensor(x, 0, n, m.cfg.DType)
	if err != nil {
		return Params{}, Params{}, 0, nest.Within("crbm: gradients", err)
	}
	yt, err := labelTensor(y)
	if err != nil {
		return Params{}, Params{}, 0, nest.Within("crbm: gradients", err)
	}
	st, err := tf.NewTensor(step)
	if err != nil {
		return Params{}, Params{}, 0, nest.Within("crbm: gradients", err)
	}
	fetches := append(append(m.gDisc.list(), m.gGen.list()...), m.gLoss)
	out, err := m.run(map[tf.Output]*tf.Tensor{m.gx: xt, m.gy: yt, m.gStep: st}, fetches)
	if err != nil {
		return Params{}, Params{}, 0, nest.Within("crbm: gradients", err)
	}
	mk := func(v [][]float64) Params { return Params{W: v[0], U: v[1], B: v[2], C: v[3], D: v[4]} }
	return mk(out[:5]), mk(out[5:10]), out[10][0], nil
}

func labelTensor(y []int) (*tf.Tensor, error) {
	v := make([]int32, len(y))
	for i, l := range y {
		v[i] = int32(l)
	}
	return tf.NewTensor(v)
}

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

func argmax(v []float64) int {
	best := 0
	for j, x := range v {
		if x > v[best] {
			best = j
		}
	}
	return best
}

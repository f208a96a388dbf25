package pipeline

import (
	"fmt"
	"sort"
	"strings"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// EpochLine formats an RBM epoch the way the original prints it.
func EpochLine(st rbm.EpochStats, mc rbm.Metrics) string {
	var b strings.Builder
	fmt.Fprintf(&b, "epoch %d/%d", st.Epoch, st.Epochs)
	for _, part := range []struct {
		prefix string
		vals   map[string]float64
	}{{"", st.Train}, {"val.", st.Val}} {
		keys := make([]string, 0, len(part.vals))
		for k := range part.vals {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "; %s%s: "+format(mc, k), part.prefix, k, part.vals[k])
		}
	}
	fmt.Fprintf(&b, " (%.1fs)", st.Elapsed.Seconds())
	return b.String()
}

func format(mc rbm.Metrics, name string) string {
	if f, ok := mc.Format[name]; ok {
		return f
	}
	switch name {
	case "msre":
		return "%.4f"
	case "pll":
		return "%.3f"
	case "feg":
		return "%.2f"
	case "l2_loss":
		return "%.2e"
	}
	return "%.3f"
}

// RBMDesc is the progress description after an RBM epoch.
func RBMDesc(st rbm.EpochStats) string {
	desc := fmt.Sprintf("epoch %d/%d", min(st.Epoch+1, st.Epochs), st.Epochs)
	if v, ok := st.Val["msre"]; ok {
		desc += fmt.Sprintf(" val.msre %.4f", v)
	}
	if v, ok := st.Val["pll"]; ok {
		desc += fmt.Sprintf(" val.pll %.2f", v)
	}
	return desc
}

// ProbeRows returns the rows whose hidden activations TensorBoard shows every epoch: the
// first 36 validation rows (the original's display_hidden_activations), or training rows.
func ProbeRows(train, val rbm.Data) rbm.Data {
	d := train
	if val != nil {
		d = val
	}
	n, cols := d.Shape()
	t, err := tfops.RowsTensor(d, 0, min(36, n), tf.Double)
	if err != nil {
		return nil
	}
	rows := t.Value().([][]float64)
	m := dataset.NewMatrix[float64](len(rows), cols)
	for i, r := range rows {
		copy(m.Row(i), r)
	}
	return m
}

// DataOf returns m as rbm.Data, or a nil interface for a nil matrix.
func DataOf[T dataset.Float](m *dataset.Matrix[T]) rbm.Data {
	if m == nil {
		return nil
	}
	return m
}

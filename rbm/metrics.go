package rbm

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// evalBatch is the number of rows evaluated per Session.Run outside training.
const evalBatch = 1000

// evalFeeds returns the feeds of the eval graph for rows x and seed counter step.
func (m *RBM) evalFeeds(x *tf.Tensor, step int64) (map[tf.Output]*tf.Tensor, error) {
	e := m.evalGraph()
	st, err := tf.NewTensor(step)
	if err != nil {
		return nil, nest.Within("rbm: ", err)
	}
	return map[tf.Output]*tf.Tensor{e.x: x, e.step: st}, nil
}

// trainMetrics evaluates the selected training metrics on the rows idx of x.
func (m *RBM) trainMetrics(x Data, idx []int) (map[string]float64, error) {
	e := m.evalGraph()
	mc := m.cfg.Metrics
	var names []string
	var fetches []tf.Output
	add := func(on bool, name string, out tf.Output) {
		if on && out.Op != nil {
			names = append(names, name)
			fetches = append(fetches, out)
		}
	}
	add(mc.MSRE, "msre", e.msre)
	add(mc.PLL, "pll", e.pll)
	add(mc.L2Loss, "l2_loss", e.l2loss)
	if len(fetches) == 0 {
		return nil, nil
	}
	t, err := gatherTensor(x, idx, m.cfg.DType)
	if err != nil {
		return nil, err
	}
	feeds, err := m.evalFeeds(t, m.iter<<16)
	if err != nil {
		return nil, err
	}
	out, err := m.run(feeds, fetches, nil)
	if err != nil {
		return nil, err
	}
	vals := make(map[string]float64, len(names))
	for i, name := range names {
		vals[name] = out[i][0]
	}
	return vals, nil
}

// meanOver evaluates scalar fetches over rows [0, n) of d in chunks and returns their
// row-weighted means.
func (m *RBM) meanOver(d Data, n int, fetches []tf.Output, salt int64) ([]float64, error) {
	sums := make([]float64, len(fetches))
	for i, j := 0, 0; i < n; i, j = i+evalBatch, j+1 {
		end := min(i+evalBatch, n)
		t, err := rowsTensor(d, i, end, m.cfg.DType)
		if err != nil {
			return nil, err
		}
		feeds, err := m.evalFeeds(t, m.iter<<16+salt+int64(j))
		if err != nil {
			return nil, err
		}
		out, err := m.run(feeds, fetches, nil)
		if err != nil {
			return nil, err
		}
		for k := range fetches {
			sums[k] += out[k][0] * float64(end-i)
		}
	}
	for k := range sums {
		sums[k] /= float64(n)
	}
	return sums, nil
}

// valMetrics computes the validation metrics due this epoch.
func (m *RBM) valMetrics(x, val Data, n, epoch int, st *EpochStats) error {
	e := m.evalGraph()
	mc := m.cfg.Metrics
	nVal, _, _ := dims(val)
	if epoch%mc.ValEvery == 0 {
		var names []string
		var fetches []tf.Output
		if mc.MSRE {
			names, fetches = append(names, "msre"), append(fetches, e.msre)
		}
		if mc.PLL && e.pll.Op != nil {
			names, fetches = append(names, "pll"), append(fetches, e.pll)
		}
		if len(fetches) > 0 {
			v, err := m.meanOver(val, nVal, fetches, 1<<12)
			if err != nil {
				return err
			}
			for i, name := range names {
				st.Val[name] = v[i]
			}
		}
	}
	if mc.FEG && epoch%mc.FEGEvery == 0 {
		rows := mc.FEGBatches * m.cfg.BatchSize
		fe := e.feMean
		fv, err := m.meanOver(val, min(rows, nVal), []tf.Output{fe}, 1<<13)
		if err != nil {
			return err
		}
		ft, err := m.meanOver(x, min(rows, n), []tf.Output{fe}, 1<<14)
		if err != nil {
			return err
		}
		st.Val["feg"] = fv[0] - ft[0]
	}
	return nil
}

// hiddenStats measures the mean of p(h|x) per hidden unit over up to 1000 training rows.
func (m *RBM) hiddenStats(x Data, n int, st *EpochStats) error {
	e := m.evalGraph()
	t, err := rowsTensor(x, 0, min(n, evalBatch), m.cfg.DType)
	if err != nil {
		return err
	}
	feeds, err := m.evalFeeds(t, 0)
	if err != nil {
		return err
	}
	out, err := m.run(feeds, []tf.Output{e.hidMean}, nil)
	if err != nil {
		return err
	}
	h := out[0] // probabilities, also for multinomial units (see hiddenFeatures)
	var mean, dead, sat float64
	for _, v := range h {
		mean += v
		if v < 0.01 {
			dead++
		}
		if v > 0.99 {
			sat++
		}
	}
	k := float64(len(h))
	st.Train["hidden_mean"], st.Train["hidden_dead"], st.Train["hidden_saturated"] = mean/k, dead/k, sat/k
	st.HiddenMeans = h
	return nil
}

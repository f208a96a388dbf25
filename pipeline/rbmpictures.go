package pipeline

import (
	"cmp"
	"context"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// drawAll writes filters.png, samples.png and the learning curves into the output folder.
func (s *TrainRBM) drawAll(ctx context.Context, m *rbm.RBM, d *Data, hist []EpochRecord, h Hooks) error {
	var written []string
	if err := drawCurves(s.Out, hist, &written); err != nil {
		return err
	}
	if d.Shape != nil {
		c := m.Config()
		w, _, _, err := m.Weights()
		if err != nil {
			return err
		}
		n := min(s.filters(), c.NumHidden)
		if n > 0 {
			img, err := picture.Tiles(rbm.Filters(w, c.NumVisible, c.NumHidden, n), n, d.Shape[0], d.Shape[1], d.Shape[2], 10, true)
			if err != nil {
				return err
			}
			path := filepath.Join(s.Out, "filters.png")
			if err := picture.SavePNG(path, picture.Scale(img, 2)); err != nil {
				return err
			}
			written = append(written, path)
		}
		if chains := s.samples(); chains > 0 {
			opts := rbm.SampleOptions{Chains: chains, Steps: cmp.Or(s.SampleSteps, 1000), Seed: s.Config.Seed}
			if !s.SampleFromNoise {
				if d.Val != nil {
					opts.Chains = min(chains, d.Val.Rows)
					opts.Start = d.Val.SliceRows(0, opts.Chains)
				} else {
					rows, _ := d.TrainShape()
					opts.Chains = min(chains, rows)
					opts.Start = d.FirstTrainRows(opts.Chains)
				}
			}
			smp, err := m.Sample(ctx, opts)
			if err != nil {
				return err
			}
			if d.Std != nil { // standardized data: show the samples in the data's own units, as bm sample and bm dbm
				if err := dataset.Unstandardize(d.Std, smp.Means); err != nil {
					return err
				}
			}
			img, err := picture.Tiles(smp.Means.Data, smp.Means.Rows, d.Shape[0], d.Shape[1], d.Shape[2], 10, false)
			if err != nil {
				return err
			}
			path := filepath.Join(s.Out, "samples.png")
			if err := picture.SavePNG(path, picture.Scale(img, 2)); err != nil {
				return err
			}
			written = append(written, path)
		}
	}
	for _, p := range written {
		h.logf("wrote %s", p)
	}
	return nil
}

// drawCurves draws one chart per metric, training and validation against the epoch.
func drawCurves(out string, hist []EpochRecord, written *[]string) error {
	titles := map[string]string{
		"msre":        "Mean squared reconstruction error",
		"pll":         "Pseudo-log-likelihood per sample",
		"feg":         "Free-energy gap (validation − training)",
		"hidden_mean": "Mean hidden activation",
		"l2_loss":     "L2 loss",
	}
	for _, name := range []string{"msre", "pll", "feg", "hidden_mean", "l2_loss"} {
		var series []picture.Series
		for _, part := range []struct {
			label string
			get   func(EpochRecord) map[string]float64
		}{{"training", func(r EpochRecord) map[string]float64 { return r.Train }}, {"validation", func(r EpochRecord) map[string]float64 { return r.Val }}} {
			var s picture.Series
			s.Name = part.label
			for _, r := range hist {
				if v, ok := part.get(r)[name]; ok {
					s.X, s.Y = append(s.X, float64(r.Epoch)), append(s.Y, v)
				}
			}
			if len(s.X) > 0 {
				series = append(series, s)
			}
		}
		if len(series) == 0 {
			continue
		}
		path := filepath.Join(out, "curve_"+name+".png")
		if err := picture.LineChart(path, titles[name], "epoch", name, series...); err != nil {
			return err
		}
		*written = append(*written, path)
	}
	return nil
}

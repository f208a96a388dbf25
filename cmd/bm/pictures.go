package main

import (
	"context"
	"log"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// drawAll writes filters.png, samples.png and the learning curves into the output folder.
func drawAll(ctx context.Context, f *trainFlags, m *rbm.RBM, d *loaded, hist []epochRecord) error {
	var written []string
	if err := drawCurves(f.out, hist, &written); err != nil {
		return err
	}
	if d.shape != nil {
		c := m.Config()
		w, _, _, err := m.Weights()
		if err != nil {
			return err
		}
		n := min(f.filters, c.NumHidden)
		if n > 0 {
			img, err := picture.Tiles(rbm.Filters(w, c.NumVisible, c.NumHidden, n), n, d.shape[0], d.shape[1], d.shape[2], 10, true)
			if err != nil {
				return err
			}
			path := filepath.Join(f.out, "filters.png")
			if err := picture.SavePNG(path, picture.Scale(img, 2)); err != nil {
				return err
			}
			written = append(written, path)
		}
		if f.chains > 0 {
			opts := rbm.SampleOptions{Chains: f.chains, Steps: f.sampleSteps, Seed: f.seed}
			if f.sampleStart == "data" {
				if d.val != nil {
					opts.Chains = min(f.chains, d.val.Rows)
					opts.Start = d.val.SliceRows(0, opts.Chains)
				} else {
					rows, _ := d.trainShape()
					opts.Chains = min(f.chains, rows)
					opts.Start = d.firstTrainRows(opts.Chains)
				}
			}
			s, err := m.Sample(ctx, opts)
			if err != nil {
				return err
			}
			if d.std != nil { // standardized data: show the samples in the data's own units, as bm sample and bm dbm
				if err := dataset.Unstandardize(d.std, s.Means); err != nil {
					return err
				}
			}
			img, err := picture.Tiles(s.Means.Data, s.Means.Rows, d.shape[0], d.shape[1], d.shape[2], 10, false)
			if err != nil {
				return err
			}
			path := filepath.Join(f.out, "samples.png")
			if err := picture.SavePNG(path, picture.Scale(img, 2)); err != nil {
				return err
			}
			written = append(written, path)
		}
	}
	for _, p := range written {
		log.Printf("wrote %s", p)
	}
	return nil
}

// drawCurves draws one chart per metric, training and validation against the epoch.
func drawCurves(out string, hist []epochRecord, written *[]string) error {
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
			get   func(epochRecord) map[string]float64
		}{{"training", func(r epochRecord) map[string]float64 { return r.Train }}, {"validation", func(r epochRecord) map[string]float64 { return r.Val }}} {
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

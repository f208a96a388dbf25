package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"path/filepath"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/tsne"
)

// TSNE embeds rows in the plane with t-SNE and draws them coloured by label (bm tsne): a data
// set's rows, features read from a file, or a model's hidden features of the rows; it reports
// the leave-one-out k-NN accuracy in the plane. The zero value of every field is its documented
// default.
type TSNE struct {
	// Data is the data set (ReadSet's forms). Empty means "data/mnist".
	Data string
	// Test uses the test set of an MNIST or CIFAR-10 folder.
	Test bool
	// Features, if set, is a file of rows (ReadData) embedded instead of Data's rows; Data
	// then only gives the labels, unless Labels does.
	Features string
	// Labels, if set, is a 1-D .npy file of the rows' labels. Default: Data's, when it is a
	// folder.
	Labels string
	// Model, if set, is a model folder whose hidden features of Data's rows are embedded, of
	// its layer Layer (Features.Layer); Standardized says the rows are standardized already.
	Model, Layer string
	Standardized bool
	// N embeds the first N rows. Zero means 10000; negative means all.
	N int
	// K is the neighbours of the k-NN accuracy. Zero means 5.
	K int
	// Config is t-SNE's (its OnIteration is set by Run).
	Config tsne.Config
	// Out is the chart, PNG. Empty means "tsne.png".
	Out string
	// EmbeddingOut, if set, is a .npy or .csv file for the N×2 embedding.
	EmbeddingOut string
	// Title is the chart's title. Empty: what was embedded and the k-NN accuracy.
	Title string
	// InputAccuracy also reports the k-NN accuracy in the rows' own space.
	InputAccuracy bool
	// LogSteps logs the start's time and the KL every 250 steps (for a run without progress).
	LogSteps bool
	// Placement says where the model runs.
	Placement Placement
}

// TSNEResult is what an embedding measured.
type TSNEResult struct {
	// Embedding is the rows × 2 embedding.
	Embedding *dataset.Matrix[float64]
	// KL is the final Kullback-Leibler divergence, Iterations the steps run.
	KL         float64
	Iterations int
	// Accuracy is the leave-one-out k-NN accuracy in the plane (0 without labels), and
	// InputAccuracy in the rows' own space (with TSNE.InputAccuracy).
	Accuracy, InputAccuracy float64
}

// Run reads the rows, embeds them and writes the chart; a bad setting is a *FieldError. The
// result's lines go to h.Output.
func (s TSNE) Run(ctx context.Context, h Hooks) (*TSNEResult, error) {
	s.Data, s.Out, s.K = cmp.Or(s.Data, "data/mnist"), cmp.Or(s.Out, "tsne.png"), cmp.Or(s.K, 5)
	x, labels, what, err := s.input(h)
	if err != nil {
		return nil, err
	}
	if n := neg(s.N, 10000); n > 0 && n < x.Rows {
		x = x.SliceRows(0, n)
		if labels != nil {
			labels = labels[:n]
		}
	}
	cfg, k := s.Config, s.K
	if cfg.Perplexity >= float64(x.Rows) {
		return nil, fieldErr("Perplexity", "%g, want less than the %d rows", cfg.Perplexity, x.Rows)
	}
	if labels != nil && k >= x.Rows {
		return nil, fieldErr("K", "%d, want less than the %d rows", k, x.Rows)
	}
	for _, l := range labels {
		if l < 0 || l > 1000 {
			return nil, fieldErr("Labels", "label %d, want 0..1000", l)
		}
	}
	bar := h.start(Run{Epochs: 1, PerEpoch: cfg.Iterations, Unit: "step", Desc: "t-SNE"})
	start := time.Now()
	cfg.OnIteration = func(p tsne.Progress) error {
		if p.Iteration == 1 && s.LogSteps {
			h.logf("affinities and start in %s", time.Since(start).Round(time.Second/10))
		}
		bar.Batch(1, p.Iteration, p.Iterations)
		if p.Iteration%250 == 0 && s.LogSteps {
			h.logf("step %d/%d: KL %.4f", p.Iteration, p.Iterations, p.KL)
		}
		return nil
	}
	method := "exact"
	if !cfg.Exact {
		method = fmt.Sprintf("Barnes-Hut θ %g", cfg.Theta)
	}
	h.logf("embedding %d rows of %d %s (perplexity %g, %s)", x.Rows, x.Cols, what, cfg.Perplexity, method)
	res, err := tsne.Embed(ctx, dataset.Convert[float64](x), cfg)
	bar.Finish()
	if err != nil {
		return nil, err
	}
	r := &TSNEResult{Embedding: res.Y, KL: res.KL, Iterations: res.Iterations}
	line := fmt.Sprintf("t-SNE of %d×%d %s: KL %.4f after %d steps in %s", x.Rows, x.Cols, what, res.KL, res.Iterations, time.Since(start).Round(time.Second/10))
	title := cmp.Or(s.Title, fmt.Sprintf("t-SNE of %d %s", x.Rows, what))
	if labels != nil {
		if r.Accuracy, err = tsne.NeighborAccuracy(res.Y, labels, k, cfg.Workers); err != nil {
			return nil, err
		}
		line += fmt.Sprintf("; leave-one-out %d-NN accuracy in the plane %.4f", k, r.Accuracy)
		title += fmt.Sprintf(" (%d-NN accuracy %.1f %%)", k, 100*r.Accuracy)
	}
	h.output(line + "\n")
	if labels != nil && s.InputAccuracy {
		if r.InputAccuracy, err = tsne.NeighborAccuracy(dataset.Convert[float64](x), labels, k, cfg.Workers); err != nil {
			return nil, err
		}
		h.output(fmt.Sprintf("leave-one-out %d-NN accuracy in the %d-dimensional %s: %.4f\n", k, x.Cols, what, r.InputAccuracy))
	}
	xs, ys := make([]float64, res.Y.Rows), make([]float64, res.Y.Rows)
	for i := range xs {
		xs[i], ys[i] = res.Y.Data[2*i], res.Y.Data[2*i+1]
	}
	plotLabels, names := labels, []string{what}
	if labels == nil {
		plotLabels = make([]int, len(xs))
	} else {
		classes := 0
		for _, l := range labels {
			classes = max(classes, l+1)
		}
		names = make([]string, classes)
		for c := range names {
			names[c] = strconv.Itoa(c)
		}
	}
	if err := picture.Scatter(s.Out, title, xs, ys, plotLabels, names, 0); err != nil {
		return nil, err
	}
	h.logf("wrote %s", s.Out)
	if s.EmbeddingOut != "" {
		if err := dataset.WriteMatrix(s.EmbeddingOut, dataset.Convert[float32](res.Y)); err != nil {
			return nil, err
		}
		h.logf("wrote the %d×2 embedding to %s", res.Y.Rows, s.EmbeddingOut)
	}
	return r, nil
}

// input returns the rows to embed, their labels (nil if there are none) and a short name of
// what they are.
func (s TSNE) input(h Hooks) (x *dataset.Matrix[float32], labels []int, what string, err error) {
	what = "pixels"
	if s.Features != "" {
		if x, _, err = ReadData(s.Features, h); err != nil {
			return nil, nil, "", err
		}
		what = filepath.Base(s.Features)
		if s.Labels == "" {
			if st, err := os.Stat(s.Data); err == nil && st.IsDir() {
				if _, labels, err = ReadLabeledSet(s.Data, s.Test); err != nil {
					return nil, nil, "", err
				}
			}
		}
	} else if x, labels, err = ReadSet(s.Data, s.Test, h); err != nil {
		return nil, nil, "", err
	}
	if s.Labels != "" {
		if labels, err = dataset.ReadNPYLabels(s.Labels); err != nil {
			return nil, nil, "", err
		}
	}
	if labels != nil && len(labels) != x.Rows {
		return nil, nil, "", fieldErr("Labels", "%d labels for %d rows", len(labels), x.Rows)
	}
	if s.Model == "" {
		return x, labels, what, nil
	}
	layer := cmp.Or(s.Layer, "top")
	if layer != "top" && layer != "all" {
		if v, err := strconv.Atoi(layer); err != nil || v < 1 {
			return nil, nil, "", fieldErr("Layer", "%q, want top, all or a hidden layer number ≥ 1", layer)
		}
	}
	fs := Features{Layer: layer, GPU: s.Placement.GPU, Target: s.Placement.Target, Threads: s.Placement.Threads, Standardized: s.Standardized}
	f, err := fs.Open(s.Model, h)
	if err != nil {
		return nil, nil, "", err
	}
	defer f.Close()
	bar := h.start(Run{Epochs: 1, PerEpoch: x.Rows, Unit: "row", Desc: "features"})
	feat, err := f.Transform(x, func(done, _ int) { bar.Batch(1, done, x.Rows) })
	bar.Finish()
	if err != nil {
		return nil, nil, "", err
	}
	x, what = feat, strings.ToUpper(f.Kind())+" features"
	if f.Kind() == "dbm" {
		what = fmt.Sprintf("DBM features (layer %s)", layer)
	}
	return x, labels, what, nil
}

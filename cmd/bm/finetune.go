package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/mlp"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfevents"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// fineTune is the discriminative fine-tuning stage of the original's examples: an MLP whose
// hidden layers start from a pretrained model's weights (or from Glorot draws with fixed seeds,
// for the baseline), trained with Adam, per-layer learning-rate multipliers, L2 on the hidden
// kernels, early stopping and learning-rate reduction on plateau (spec §6.1, §6.2, §6.5).
type fineTune struct {
	hidden      []mlp.Layer // hidden layers, InitW/InitB set when pretrained
	outSeed     int64       // Glorot seed of the softmax layer
	lrm         []float64   // multipliers, one per layer including the output
	l2          float64
	dropout     float64 // dropout on the inputs of every layer (0: none)
	outDropout  float64 // if > 0, dropout on the output layer's inputs instead (the CIFAR programs)
	inDropout   float64 // if ≥ 0, dropout on the first layer's inputs (the data), overriding dropout and outDropout there
	batchNorm   bool    // batch normalization after every hidden Dense layer
	relu        bool    // ReLU hidden units instead of sigmoid
	epochs      int
	batch       int
	monitor     string
	restoreBest bool
	// patience and plateauPatience are the epochs without improvement before early stopping
	// and before the learning rate is divided by 5 (the original's programs: --mlp-patience and
	// --mlp-plateau-patience, by default mnistPatience and mnistPlateauPatience).
	patience, plateauPatience int
	stream                    bool                  // feed the training rows minibatch by minibatch (tfops.Stream)
	std                       *dataset.Standardizer // the inputs' standardization, saved beside the model and put into the export
	shuffle                   bool
	dtype                     tf.DataType
	threads                   int
	gpu                       string
	target                    string // a cluster task to run the MLP on, or ""
	quiet                     bool

	// featurer, if set, computes the columns after the first rawInputs of every input row (the
	// DBM's q(h2|x) of --mlp-augment): the SavedModel is an mlp.Augmented taking raw rows.
	featurer  mlp.Featurer
	rawInputs int

	// classes is the number of classes the labels may take: 0 means datasetClasses.
	classes int

	prefix  string // save prefix of y_pred.npy, y_test.npy, W_finetuned.npy
	dir     string // fine-tuned model directory ("" for none) with logs/ beside it
	export  string // SavedModel base directory ("" for none)
	name    string // SavedModel name
	weights []string
}

// datasetClasses is the number of classes of MNIST and CIFAR-10, the data sets every
// fine-tuning program reads.
const datasetClasses = 10

// The patiences of the original's MNIST programs' callbacks: EarlyStopping(patience=12),
// ReduceLROnPlateau(patience=6) (dbm_cifar.py has 6 and 3).
const mnistPatience, mnistPlateauPatience = 12, 6

// ftResult is what a fine-tuning run measured.
type ftResult struct {
	TestAcc, TestErr float64
	Epochs           int
	BestEpoch        int
	Seconds          float64
	Interrupted      bool
}

// initNet is the start of a fine-tuned MLP: one sigmoid layer per hidden layer of a pretrained
// RBM (W, hidden bias) or DBM (W_l, b_{l+1}), the original's Glorot seeds for the random-init
// baseline (RBM: 1111, output 2222; DBM: 3333, 4444, …, output the next) and the names of the
// saved fine-tuned kernels (W_finetuned; W1_finetuned, W2_finetuned, …).
type initNet struct {
	layers  []mlp.Layer
	seeds   []int64
	outSeed int64
	weights []string
}

// loadInitNet reads the RBM or DBM saved in dir (a model folder, or a run folder holding model/).
func loadInitNet(dir string) (*initNet, error) {
	dir = resolveModelDir(dir)
	kind, err := modelKind(dir)
	if err != nil {
		return nil, err
	}
	if kind == "rbm" {
		r, err := rbm.Load(dir)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		w, _, hb, err := r.Weights()
		if err != nil {
			return nil, err
		}
		return &initNet{layers: []mlp.Layer{{Units: r.Config().NumHidden, Activation: mlp.Sigmoid, InitW: w, InitB: hb, Seed: 1111}},
			seeds: []int64{1111}, outSeed: 2222, weights: []string{"W_finetuned"}}, nil
	}
	m, err := dbm.Load(dir)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	p, err := m.Parameters()
	if err != nil {
		return nil, err
	}
	sizes := m.Config().Sizes
	n := &initNet{outSeed: int64(3333 + 1111*len(p.W))}
	for l := range p.W {
		seed := int64(3333 + 1111*l)
		n.layers = append(n.layers, mlp.Layer{Units: sizes[l+1], Activation: mlp.Sigmoid, InitW: p.W[l], InitB: p.B[l+1], Seed: seed})
		n.seeds = append(n.seeds, seed)
		n.weights = append(n.weights, fmt.Sprintf("W%d_finetuned", l+1))
	}
	return n, nil
}

// hidden returns the pretrained layers, or with random the same sizes with Glorot draws from
// the original's seeds.
func (n *initNet) hidden(random bool) []mlp.Layer {
	if !random {
		return n.layers
	}
	out := make([]mlp.Layer, len(n.layers))
	for i, l := range n.layers {
		out[i] = mlp.Layer{Units: l.Units, Activation: mlp.Sigmoid, Seed: n.seeds[i]}
	}
	return out
}

// config returns the MLP configuration of the run for inputs columns and classes outputs.
func (f *fineTune) config(inputs, classes int) (mlp.Config, error) {
	if len(f.lrm) != len(f.hidden)+1 {
		return mlp.Config{}, fmt.Errorf("fine-tuning: %d learning-rate multipliers for %d layers", len(f.lrm), len(f.hidden)+1)
	}
	layers := append([]mlp.Layer(nil), f.hidden...)
	layers = append(layers, mlp.Layer{Units: classes, Activation: mlp.Softmax, Seed: f.outSeed})
	for i := range layers {
		layers[i].LRMultiplier = f.lrm[i]
		layers[i].Dropout = f.dropout
		if i < len(f.hidden) {
			layers[i].L2 = f.l2
			layers[i].BatchNorm = f.batchNorm
			if f.relu {
				layers[i].Activation = mlp.ReLU
			}
		}
	}
	if f.outDropout > 0 {
		layers[len(layers)-1].Dropout = f.outDropout
	}
	if f.inDropout >= 0 {
		layers[0].Dropout = f.inDropout
	}
	c := mlp.Config{Inputs: inputs, Layers: layers, DType: f.dtype, BatchSize: f.batch, Epochs: f.epochs,
		Shuffle: f.shuffle, Seed: f.outSeed, Threads: f.threads, GPU: f.gpu, Target: f.target}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("fine-tuning: %w", err)
	}
	return c, nil
}

// run trains the MLP on d's training rows, validates on its validation rows, prints and returns
// the test accuracy, and saves the predictions, targets and fine-tuned kernels.
func (f *fineTune) run(ctx context.Context, d *labeled, what string) (*ftResult, error) {
	// Every label must be a class of the data set: a corrupt one (1,000,000 in a cached
	// y_aug.npy) would otherwise size the output layer.
	limit := cmp.Or(f.classes, datasetClasses)
	classes := 0
	for _, set := range []struct {
		name string
		y    []int
	}{{"training", d.yTrain}, {"validation", d.yVal}, {"test", d.yTest}} {
		for i, v := range set.y {
			if v < 0 || v >= limit {
				return nil, fmt.Errorf("fine-tuning: %s label %d of row %d is outside 0…%d (%d classes)", set.name, v, i, limit-1, limit)
			}
			classes = max(classes, v+1)
		}
	}
	c, err := f.config(d.train.Cols, classes)
	if err != nil {
		return nil, err
	}
	m, err := mlp.New(c)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	var runs *tfevents.Runs
	if f.dir != "" {
		// A rerun replaces the logs of the last one, so TensorBoard does not overlay them.
		if err := os.RemoveAll(filepath.Join(f.dir, "logs")); err != nil {
			return nil, err
		}
		if runs, err = tfevents.NewRuns(filepath.Join(f.dir, "logs")); err != nil {
			return nil, err
		}
		defer runs.Close()
	}
	sizes := fmt.Sprint(d.train.Cols)
	for _, l := range c.Layers {
		sizes += fmt.Sprintf("-%d", l.Units)
	}
	val := d.valOrNil()
	log.Printf("%s: MLP %s on %d rows (validation %d, test %d), at most %d epochs of %d, monitor %s", what, sizes,
		d.train.Rows, rowsOf(val), d.test.Rows, c.Epochs, c.BatchSize, f.monitor)
	opts := &mlp.FitOptions{Monitor: f.monitor}
	if val == nil {
		log.Printf("%s: no validation rows: all %d epochs run, without early stopping, learning-rate reduction or best-epoch weights", what, c.Epochs)
	} else {
		// The original's callbacks: EarlyStopping(patience), ReduceLROnPlateau(factor=0.2,
		// patience, min_lr=1e-5), both on the monitored metric.
		opts.EarlyStopping = &mlp.EarlyStopping{Patience: f.patience}
		opts.Plateau = &mlp.Plateau{Factor: 0.2, Patience: f.plateauPatience, MinLR: 1e-5}
		opts.RestoreBest = f.restoreBest
	}
	perEpoch := (d.train.Rows + c.BatchSize - 1) / c.BatchSize
	bar := newProgress(f.quiet, 0, c.Epochs, perEpoch)
	res := &ftResult{}
	start := time.Now()
	opts.OnBatch = bar.batch
	opts.OnEpoch = func(st mlp.EpochStats) error {
		line := fmt.Sprintf("%s epoch %d/%d; loss %.4f; acc %.4f", what, st.Epoch, st.Epochs, st.Loss, st.Acc)
		if !math.IsNaN(st.ValAcc) {
			line += fmt.Sprintf("; val_loss %.4f; val_acc %.4f", st.ValLoss, st.ValAcc)
		}
		line += fmt.Sprintf("; lr %.2g (%.1fs)", st.LR, st.Duration.Seconds())
		if st.Best {
			res.BestEpoch = st.Epoch
		}
		bar.epoch(line, fmt.Sprintf("%s epoch %d/%d", what, min(st.Epoch+1, st.Epochs), st.Epochs))
		if runs != nil {
			val := map[string]float64{}
			if !math.IsNaN(st.ValAcc) {
				val["loss"], val["acc"] = st.ValLoss, st.ValAcc
			}
			if err := runs.Scalars(int64(st.Epoch), map[string]float64{"loss": st.Loss, "acc": st.Acc, "lr": st.LR}, val); err != nil {
				return err
			}
			return runs.Flush()
		}
		return nil
	}
	var valData mlp.Data
	if val != nil {
		valData = val
	}
	var train mlp.Data = d.train
	if f.stream {
		train = tfops.Stream(d.train)
	}
	hist, fitErr := m.Fit(ctx, train, d.yTrain, valData, d.yVal, opts)
	bar.finish()
	res.Epochs, res.Seconds = len(hist), time.Since(start).Seconds()
	if fitErr != nil {
		if !errors.Is(fitErr, context.Canceled) {
			return nil, fitErr
		}
		res.Interrupted = true
		log.Printf("%s: interrupted after %d epochs; evaluating the %s weights", what, len(hist), map[bool]string{true: "best", false: "last"}[f.restoreBest])
	}
	pred, err := m.Classify(d.test)
	if err != nil {
		return nil, err
	}
	res.TestAcc = accuracy(pred, d.yTest)
	res.TestErr = 1 - res.TestAcc
	log.Printf("%s: test accuracy %.4f (error %.2f %%) after %d epochs (best validation epoch %d), %.0f s",
		what, res.TestAcc, 100*res.TestErr, res.Epochs, res.BestEpoch, res.Seconds)
	if err := f.save(m, pred, d.yTest); err != nil {
		return nil, err
	}
	return res, nil
}

// save writes <prefix>y_pred.npy, <prefix>y_test.npy and one <prefix><name>.npy per hidden
// kernel (the original's W_finetuned / W1_finetuned, W2_finetuned), the model directory and the
// SavedModel.
func (f *fineTune) save(m *mlp.MLP, pred, y []int) error {
	if f.prefix != "" {
		if dir := filepath.Dir(f.prefix + "x"); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
		if err := dataset.WriteNPYLabels(f.prefix+"y_pred.npy", pred); err != nil {
			return err
		}
		if err := dataset.WriteNPYLabels(f.prefix+"y_test.npy", y); err != nil {
			return err
		}
		kernels, _, err := m.Weights()
		if err != nil {
			return err
		}
		c := m.Config()
		for i, name := range f.weights {
			w := &dataset.Matrix[float64]{Rows: len(kernels[i]) / c.Layers[i].Units, Cols: c.Layers[i].Units, Data: kernels[i]}
			if err := dataset.WriteNPY(f.prefix+name+".npy", w); err != nil {
				return err
			}
		}
		k := m.Config().Classes()
		conf, err := classify.Confusion(pred, y, k)
		if err != nil {
			return err
		}
		if err := classify.ConfusionPNG(f.prefix+"confusion.png", fmt.Sprintf("fine-tuned MLP: test error %.2f %% (rows: true class, columns: predicted)",
			100*(1-accuracy(pred, y))), conf, k); err != nil {
			return err
		}
		log.Printf("saved %sy_pred.npy, %sy_test.npy, %sconfusion.png and the fine-tuned kernels", f.prefix, f.prefix, f.prefix)
	}
	if f.dir != "" {
		if err := m.Save(filepath.Join(f.dir, "model")); err != nil {
			return err
		}
		noteCommand(filepath.Join(f.dir, "model"))
		if err := saveStandardizer(filepath.Join(f.dir, "model"), f.std); err != nil {
			return err
		}
	}
	if f.export != "" {
		var model export.Model = m
		if f.featurer != nil {
			model = mlp.Augmented{MLP: m, Features: f.featurer, Inputs: f.rawInputs}
		}
		path, isNew, err := exportIfChanged(f.export, f.name, model, &export.Options{Standardizer: f.std})
		if err != nil {
			return err
		}
		if !isNew {
			log.Printf("the fine-tuned classifier is the one exported in %s: no new version", path)
		} else {
			log.Printf("exported the fine-tuned classifier to %s (signatures serving_default: probabilities, classify: classes)", path)
		}
	}
	return nil
}

// accuracy is the fraction of predictions equal to their labels.
func accuracy(pred, y []int) float64 {
	correct := 0
	for i, p := range pred {
		if p == y[i] {
			correct++
		}
	}
	return float64(correct) / float64(len(pred))
}

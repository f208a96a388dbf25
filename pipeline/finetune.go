package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/mlp"
	"github.com/boltzmann-go/boltzmann/tfevents"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// FineTune is the discriminative fine-tuning stage of the original's examples: an MLP whose
// hidden layers start from a pretrained model's weights (or from Glorot draws with fixed seeds,
// for the baseline), trained with Adam, per-layer learning-rate multipliers, L2 on the hidden
// kernels, early stopping and learning-rate reduction on plateau (spec §6.1, §6.2, §6.5).
// The zero value of every field is its documented default.
type FineTune struct {
	// Hidden are the hidden layers, InitW/InitB set when pretrained (InitNet.Hidden).
	Hidden []mlp.Layer
	// OutSeed is the Glorot seed of the softmax layer (and of the MLP).
	OutSeed int64
	// LRM are the learning-rate multipliers, one per layer including the output. Nil: 1 each.
	LRM []float64
	// L2 is the L2 weight decay of the hidden kernels.
	L2 float64
	// Dropout is the dropout rate on the inputs of every layer (0: none).
	Dropout float64
	// OutDropout, if > 0, is the dropout rate on the output layer's inputs instead (the CIFAR
	// programs).
	OutDropout float64
	// InputDropout is the dropout rate on the first layer's inputs (the data), which replaces
	// Dropout and OutDropout there, unless InputDropoutAsOthers.
	InputDropout float64
	// InputDropoutAsOthers gives the first layer's inputs the dropout of the other layers
	// (InputDropout is then not used): the MNIST programs without --mlp-input-dropout.
	InputDropoutAsOthers bool
	// AverageFrom, when > 0, ends fine-tuning with the mean of the weights after every epoch
	// from AverageFrom on (mlp.FitOptions.AverageFrom) instead of the best validation epoch's.
	AverageFrom int
	// MaxNorm caps the norm of every hidden unit's incoming weights after each step
	// (mlp.Layer.MaxNorm); 0: none.
	MaxNorm float64
	// BatchNorm adds batch normalization after every hidden Dense layer.
	BatchNorm bool
	// ReLU makes the hidden units ReLUs instead of sigmoids.
	ReLU bool
	// Epochs is the maximum number of epochs. Zero means 100.
	Epochs int
	// BatchSize is the minibatch size. Zero means 128.
	BatchSize int
	// Monitor is the validation metric of early stopping: mlp.ValAcc or mlp.ValLoss. Empty
	// means mlp.ValAcc.
	Monitor string
	// KeepLast keeps the last epoch's weights (the original's Keras 2.0.8 does); by default the
	// best validation epoch's weights are restored.
	KeepLast bool
	// Patience and PlateauPatience are the epochs without improvement before early stopping
	// and before the learning rate is divided by 5. Zero means the original MNIST programs'
	// 12 and 6; a negative value means 0.
	Patience, PlateauPatience int
	// Stream feeds the training rows minibatch by minibatch (tfops.Stream).
	Stream bool
	// Std is the inputs' standardization, saved beside the model and put into the export.
	Std *dataset.Standardizer
	// Shuffle shuffles the training rows every epoch (the original does not).
	Shuffle bool
	// DType is the MLP's float type. Zero means tf.Float.
	DType tf.DataType
	// Threads, GPU and Target say where the MLP runs (see mlp.Config).
	Threads     int
	GPU, Target string

	// Featurer, if set, computes the columns after the first RawInputs of every input row (the
	// DBM's q(h2|x) of AugmentTop): the SavedModel is an mlp.Augmented taking raw rows.
	Featurer  mlp.Featurer
	RawInputs int

	// Classes is the number of classes the labels may take. Zero means 10 (MNIST, CIFAR-10).
	Classes int

	// Prefix is the save prefix of y_pred.npy, y_test.npy, confusion.png and the fine-tuned
	// kernels ("": none).
	Prefix string
	// Dir is the fine-tuned model folder's parent, with logs/ ("": none).
	Dir string
	// Export is the SavedModel base folder ("": none) and Name the SavedModel's name.
	Export, Name string
	// Weights are the file names of the fine-tuned hidden kernels (InitNet.Weights).
	Weights []string
	// What names the stage in its log lines. Empty means "MLP".
	What string
}

// DatasetClasses is the number of classes of MNIST and CIFAR-10, the data sets every
// fine-tuning program reads.
const DatasetClasses = 10

// The patiences of the original's MNIST programs' callbacks: EarlyStopping(patience=12),
// ReduceLROnPlateau(patience=6) (dbm_cifar.py has 6 and 3).
const MNISTPatience, MNISTPlateauPatience = 12, 6

// FineTuneResult is what a fine-tuning run measured.
type FineTuneResult struct {
	TestAcc, TestErr float64
	Epochs           int
	BestEpoch        int
	Seconds          float64
	Interrupted      bool
}

// patience maps a patience setting onto its value: zero is def, negative 0.
func patience(v, def int) int {
	if v < 0 {
		return 0
	}
	return cmp.Or(v, def)
}

// config returns the MLP configuration of the run for inputs columns and classes outputs.
func (f *FineTune) config(inputs, classes int) (mlp.Config, error) {
	lrm := f.LRM
	if lrm == nil {
		for range len(f.Hidden) + 1 {
			lrm = append(lrm, 1)
		}
	}
	if len(lrm) != len(f.Hidden)+1 {
		return mlp.Config{}, fmt.Errorf("fine-tuning: %d learning-rate multipliers for %d layers", len(lrm), len(f.Hidden)+1)
	}
	layers := append([]mlp.Layer(nil), f.Hidden...)
	layers = append(layers, mlp.Layer{Units: classes, Activation: mlp.Softmax, Seed: f.OutSeed})
	for i := range layers {
		layers[i].LRMultiplier = lrm[i]
		layers[i].Dropout = f.Dropout
		if i < len(f.Hidden) {
			layers[i].L2 = f.L2
			layers[i].BatchNorm = f.BatchNorm
			layers[i].MaxNorm = f.MaxNorm
			if f.ReLU {
				layers[i].Activation = mlp.ReLU
			}
		}
	}
	if f.OutDropout > 0 {
		layers[len(layers)-1].Dropout = f.OutDropout
	}
	if !f.InputDropoutAsOthers {
		layers[0].Dropout = f.InputDropout
	}
	c := mlp.Config{Inputs: inputs, Layers: layers, DType: cmp.Or(f.DType, tf.Float), BatchSize: cmp.Or(f.BatchSize, 128),
		Epochs: cmp.Or(f.Epochs, 100), Shuffle: f.Shuffle, Seed: f.OutSeed, Threads: f.Threads, GPU: f.GPU, Target: f.Target}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("fine-tuning: %w", err)
	}
	return c, nil
}

// Run trains the MLP on d's training rows, validates on its validation rows, reports and
// returns the test accuracy, and saves the predictions, targets and fine-tuned kernels, the
// model folder and the SavedModel. An interrupted run (ctx cancelled) is evaluated with the
// weights it has and reported with Interrupted set.
func (f *FineTune) Run(ctx context.Context, d *Labeled, h Hooks) (*FineTuneResult, error) {
	what := cmp.Or(f.What, "MLP")
	monitor := cmp.Or(f.Monitor, mlp.ValAcc)
	// Every label must be a class of the data set: a corrupt one (1,000,000 in a cached
	// y_aug.npy) would otherwise size the output layer.
	limit := cmp.Or(f.Classes, DatasetClasses)
	classes := 0
	for _, set := range []struct {
		name string
		y    []int
	}{{"training", d.YTrain}, {"validation", d.YVal}, {"test", d.YTest}} {
		for i, v := range set.y {
			if v < 0 || v >= limit {
				return nil, fmt.Errorf("fine-tuning: %s label %d of row %d is outside 0…%d (%d classes)", set.name, v, i, limit-1, limit)
			}
			classes = max(classes, v+1)
		}
	}
	c, err := f.config(d.Train.Cols, classes)
	if err != nil {
		return nil, err
	}
	m, err := mlp.New(c)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	var runs *tfevents.Runs
	if f.Dir != "" {
		// A rerun replaces the logs of the last one, so TensorBoard does not overlay them.
		if err := os.RemoveAll(filepath.Join(f.Dir, "logs")); err != nil {
			return nil, err
		}
		if runs, err = tfevents.NewRuns(filepath.Join(f.Dir, "logs")); err != nil {
			return nil, err
		}
		defer runs.Close()
	}
	sizes := fmt.Sprint(d.Train.Cols)
	for _, l := range c.Layers {
		sizes += fmt.Sprintf("-%d", l.Units)
	}
	val := d.ValOrNil()
	h.logf("%s: MLP %s on %d rows (validation %d, test %d), at most %d epochs of %d, monitor %s", what, sizes,
		d.Train.Rows, rowsOf(val), d.Test.Rows, c.Epochs, c.BatchSize, monitor)
	opts := &mlp.FitOptions{Monitor: monitor}
	if val == nil {
		h.logf("%s: no validation rows: all %d epochs run, without early stopping, learning-rate reduction or best-epoch weights", what, c.Epochs)
	} else {
		// The original's callbacks: EarlyStopping(patience), ReduceLROnPlateau(factor=0.2,
		// patience, min_lr=1e-5), both on the monitored metric.
		opts.EarlyStopping = &mlp.EarlyStopping{Patience: patience(f.Patience, MNISTPatience)}
		opts.Plateau = &mlp.Plateau{Factor: 0.2, Patience: patience(f.PlateauPatience, MNISTPlateauPatience), MinLR: 1e-5}
		opts.RestoreBest = !f.KeepLast
	}
	opts.AverageFrom = f.AverageFrom
	perEpoch := (d.Train.Rows + c.BatchSize - 1) / c.BatchSize
	bar := h.startEpochs(0, c.Epochs, perEpoch)
	res := &FineTuneResult{}
	start := time.Now()
	opts.OnBatch = bar.Batch
	opts.OnEpoch = func(st mlp.EpochStats) error {
		line := fmt.Sprintf("%s epoch %d/%d; loss %.4f; acc %.4f", what, st.Epoch, st.Epochs, st.Loss, st.Acc)
		if !math.IsNaN(st.ValAcc) {
			line += fmt.Sprintf("; val_loss %.4f; val_acc %.4f", st.ValLoss, st.ValAcc)
		}
		line += fmt.Sprintf("; lr %.2g (%.1fs)", st.LR, st.Duration.Seconds())
		if st.Best {
			res.BestEpoch = st.Epoch
		}
		bar.Epoch(line, fmt.Sprintf("%s epoch %d/%d", what, min(st.Epoch+1, st.Epochs), st.Epochs))
		if f.AverageFrom > 0 && st.Epoch == st.Epochs {
			// The last epoch's own weights, before the average replaces them: the comparison
			// the average is for.
			pred, err := m.Classify(d.Test)
			if err != nil {
				return err
			}
			h.logf("%s: the last epoch's weights: test error %.2f %%", what, 100*(1-Accuracy(pred, d.YTest)))
		}
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
	var train mlp.Data = d.Train
	if f.Stream {
		train = tfops.Stream(d.Train)
	}
	hist, fitErr := m.Fit(ctx, train, d.YTrain, valData, d.YVal, opts)
	bar.Finish()
	res.Epochs, res.Seconds = len(hist), time.Since(start).Seconds()
	if fitErr != nil {
		if !errors.Is(fitErr, context.Canceled) {
			return nil, fitErr
		}
		res.Interrupted = true
		h.logf("%s: interrupted after %d epochs; evaluating the %s weights", what, len(hist), map[bool]string{true: "best", false: "last"}[!f.KeepLast])
	}
	if f.AverageFrom > 0 && len(hist) >= f.AverageFrom {
		msg := fmt.Sprintf("%s: the weights averaged over epochs %d–%d", what, f.AverageFrom, len(hist))
		if val != nil {
			_, acc, err := m.Evaluate(val, d.YVal)
			if err != nil {
				return nil, err
			}
			msg += fmt.Sprintf(" (validation accuracy %.4f)", acc)
		}
		h.logf("%s", msg)
	}
	pred, err := m.Classify(d.Test)
	if err != nil {
		return nil, err
	}
	res.TestAcc = Accuracy(pred, d.YTest)
	res.TestErr = 1 - res.TestAcc
	h.logf("%s: test accuracy %.4f (error %.2f %%) after %d epochs (best validation epoch %d), %.0f s",
		what, res.TestAcc, 100*res.TestErr, res.Epochs, res.BestEpoch, res.Seconds)
	if err := f.save(m, pred, d.YTest, h); err != nil {
		return nil, err
	}
	return res, nil
}

// save writes <prefix>y_pred.npy, <prefix>y_test.npy and one <prefix><name>.npy per hidden
// kernel (the original's W_finetuned / W1_finetuned, W2_finetuned), the model directory and the
// SavedModel.
func (f *FineTune) save(m *mlp.MLP, pred, y []int, h Hooks) error {
	if f.Prefix != "" {
		if dir := filepath.Dir(f.Prefix + "x"); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
		if err := dataset.WriteNPYLabels(f.Prefix+"y_pred.npy", pred); err != nil {
			return err
		}
		if err := dataset.WriteNPYLabels(f.Prefix+"y_test.npy", y); err != nil {
			return err
		}
		kernels, _, err := m.Weights()
		if err != nil {
			return err
		}
		c := m.Config()
		for i, name := range f.Weights {
			w := &dataset.Matrix[float64]{Rows: len(kernels[i]) / c.Layers[i].Units, Cols: c.Layers[i].Units, Data: kernels[i]}
			if err := dataset.WriteNPY(f.Prefix+name+".npy", w); err != nil {
				return err
			}
		}
		k := m.Config().Classes()
		conf, err := classify.Confusion(pred, y, k)
		if err != nil {
			return err
		}
		if err := classify.ConfusionPNG(f.Prefix+"confusion.png", fmt.Sprintf("fine-tuned MLP: test error %.2f %% (rows: true class, columns: predicted)",
			100*(1-Accuracy(pred, y))), conf, k); err != nil {
			return err
		}
		h.logf("saved %sy_pred.npy, %sy_test.npy, %sconfusion.png and the fine-tuned kernels", f.Prefix, f.Prefix, f.Prefix)
	}
	if f.Dir != "" {
		if err := m.Save(filepath.Join(f.Dir, "model")); err != nil {
			return err
		}
		h.saving(filepath.Join(f.Dir, "model"))
		if err := SaveStandardizer(filepath.Join(f.Dir, "model"), f.Std); err != nil {
			return err
		}
	}
	if f.Export != "" {
		var model export.Model = m
		if f.Featurer != nil {
			model = mlp.Augmented{MLP: m, Features: f.Featurer, Inputs: f.RawInputs}
		}
		path, isNew, err := ExportIfChanged(f.Export, f.Name, model, &export.Options{Standardizer: f.Std})
		if err != nil {
			return err
		}
		if !isNew {
			h.logf("the fine-tuned classifier is the one exported in %s: no new version", path)
		} else {
			h.logf("exported the fine-tuned classifier to %s (signatures serving_default: probabilities, classify: classes)", path)
		}
	}
	return nil
}

// Accuracy is the fraction of predictions equal to their labels.
func Accuracy(pred, y []int) float64 {
	correct := 0
	for i, p := range pred {
		if p == y[i] {
			correct++
		}
	}
	return float64(correct) / float64(len(pred))
}

func rowsOf(m *dataset.Matrix[float32]) int {
	if m == nil {
		return 0
	}
	return m.Rows
}

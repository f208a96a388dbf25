package main

import (
	"context"
	"encoding/json"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/mlp"
	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// Issue 29, point 1: every path that reads raw data for a model trained behind a
// standardizer.json applies it exactly once. Each path is compared with the exported
// SavedModel (which takes raw data) on the raw rows, or with an explicit computation.

// standardizedRun is a Gaussian RBM trained by bm train -standardize on a small labelled MNIST
// folder (8×8 images, raw pixels in [0, 1]) and its SavedModel exported with the
// standardization inside.
type standardizedRun struct {
	mnist, run, savedModel string
	train, test            *dataset.Matrix[float32] // the folder's raw training and test rows
	std                    *dataset.Standardizer
}

func newStandardizedRun(t *testing.T) *standardizedRun {
	t.Helper()
	dir := t.TempDir()
	s := &standardizedRun{mnist: filepath.Join(dir, "mnist"), run: filepath.Join(dir, "run")}
	writeLabeledMNIST(t, s.mnist, 300, 80)
	bm(t, "train", "-data", s.mnist, "-visible", "gaussian", "-standardize", "-n-train", "250", "-n-val", "50",
		"-n-hidden", "6", "-epochs", "1", "-batch-size", "10", "-metrics", "msre", "-samples", "0", "-out", s.run, "-quiet")
	bm(t, "export", "-model", filepath.Join(s.run, "model"), "-base", filepath.Join(dir, "sm"), "-name", "g")
	s.savedModel = filepath.Join(dir, "sm", "g", "1")
	var err error
	if s.train, _, err = pipeline.ReadLabeledSet(s.mnist, false); err != nil {
		t.Fatal(err)
	}
	if s.test, _, err = pipeline.ReadLabeledSet(s.mnist, true); err != nil {
		t.Fatal(err)
	}
	if s.std, err = dataset.LoadStandardizer(filepath.Join(s.run, standardizerFile)); err != nil {
		t.Fatal(err)
	}
	return s
}

// bm runs bm with args and fails the test unless it exits 0.
func bm(t *testing.T, args ...string) {
	t.Helper()
	var code int
	var stderr string
	captureStdout(t, func() { stderr = captureStderr(t, func() { code = run(args) }) })
	if code != 0 {
		t.Fatalf("bm %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
}

// standardized returns a standardized copy of x.
func standardized(t *testing.T, std *dataset.Standardizer, x *dataset.Matrix[float32]) *dataset.Matrix[float32] {
	t.Helper()
	c := &dataset.Matrix[float32]{Rows: x.Rows, Cols: x.Cols, Data: append([]float32(nil), x.Data...)}
	if err := dataset.Standardize(std, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// serve runs signature key of the SavedModel in dir on the rows of x (fed as its input "visible")
// and returns its output out as float64.
func serve(t *testing.T, dir, key, out string, x *dataset.Matrix[float32]) []float64 {
	t.Helper()
	return serveInputs(t, dir, key, "visible", x)[out]
}

// serveInputs runs signature key of the SavedModel in dir on the rows of x fed as its input
// named input, and returns its outputs by name as float64.
func serveInputs(t *testing.T, dir, key, input string, x *dataset.Matrix[float32]) map[string][]float64 {
	t.Helper()
	sm, err := tf.LoadSavedModel(dir, []string{"serve"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sm.Session.Close()
	sig, ok := sm.Signatures[key]
	if !ok {
		t.Fatalf("%s has no signature %q", dir, key)
	}
	in, ok := sig.Inputs[input]
	if !ok {
		t.Fatalf("signature %q has no input %q: %v", key, input, sig.Inputs)
	}
	feed, err := tfops.TensorAs(x.Data, in.DType, int64(x.Rows), int64(x.Cols))
	if err != nil {
		t.Fatal(err)
	}
	op := func(name string) tf.Output { return sm.Graph.Operation(strings.Split(name, ":")[0]).Output(0) }
	var names []string
	var fetches []tf.Output
	for name, o := range sig.Outputs {
		if o.DType == tf.Float || o.DType == tf.Double {
			names, fetches = append(names, name), append(fetches, op(o.Name))
		}
	}
	res, err := sm.Session.Run(map[tf.Output]*tf.Tensor{op(in.Name): feed}, fetches, nil)
	if err != nil {
		t.Fatal(err)
	}
	outs := map[string][]float64{}
	for i, name := range names {
		if outs[name], err = tfops.Values[float64](res[i]); err != nil {
			t.Fatal(err)
		}
	}
	return outs
}

// near fails the test unless got and want agree within tol element by element.
func near[T, U float32 | float64](t *testing.T, what string, got []T, want []U, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	worst, at := 0.0, 0
	for i := range got {
		if d := math.Abs(float64(got[i]) - float64(want[i])); !(d <= worst) {
			worst, at = d, i
		}
	}
	if worst > tol {
		t.Errorf("%s: value %d is %.6g, want %.6g (the SavedModel on raw data); largest difference %.3g > %g", what, at, float64(got[at]), float64(want[at]), worst, tol)
	}
}

// TestTransformStandardizesOnce: bm transform -model RUN/model and -model RUN on the raw rows
// give the SavedModel's serving_default features (the standardization applied once, not twice),
// and -raw-input=false on rows standardized beforehand gives them too.
func TestTransformStandardizesOnce(t *testing.T) {
	s := newStandardizedRun(t)
	want := serve(t, s.savedModel, "serving_default", "features", s.train)
	dir := t.TempDir()
	for _, model := range []string{filepath.Join(s.run, "model"), s.run} {
		out := filepath.Join(dir, "f.npy")
		bm(t, "transform", "-model", model, "-data", s.mnist, "-out", out, "-quiet")
		got, err := dataset.ReadNPY[float32](out)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "bm transform -model "+model, got.Data, want, 1e-5)
	}
	pre := filepath.Join(dir, "standardized.npy")
	if err := dataset.WriteNPY(pre, standardized(t, s.std, s.train)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "g.npy")
	bm(t, "transform", "-model", s.run, "-data", pre, "-raw-input=false", "-out", out, "-quiet")
	got, err := dataset.ReadNPY[float32](out)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "bm transform -raw-input=false", got.Data, want, 1e-5)
}

// TestClassifyStandardizesOnce: the features bm classify -model fits its classifiers on are
// the SavedModel's, on the training and the test rows.
func TestClassifyStandardizesOnce(t *testing.T) {
	s := newStandardizedRun(t)
	f := pipeline.Classify{Model: s.run, Data: s.mnist, Layer: "top"}
	x, xt, _, _, err := f.Load(pipeline.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "classify training features", x.Data, serve(t, s.savedModel, "serving_default", "features", s.train), 1e-5)
	near(t, "classify test features", xt.Data, serve(t, s.savedModel, "serving_default", "features", s.test), 1e-5)
}

// TestLogZStandardizesOnce: bm logz -method exact -data on raw rows gives the mean log density
// of the standardized rows, −mean F(z) − log Z with F the SavedModel's free energy on raw data.
func TestLogZStandardizesOnce(t *testing.T) {
	s := newStandardizedRun(t)
	bm(t, "logz", "-model", s.run, "-data", s.mnist, "-method", "exact", "-quiet")
	b, err := os.ReadFile(filepath.Join(s.run, "model", "logz.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res logzResult
	if err := json.Unmarshal(b, &res); err != nil || res.MeanLogP == nil {
		t.Fatalf("logz.json %s: %v", b, err)
	}
	fe := serve(t, s.savedModel, "free_energy", "free_energy", s.test)
	want := -res.LogZ
	for _, v := range fe {
		want -= v / float64(len(fe))
	}
	if math.Abs(*res.MeanLogP-want) > 1e-4*math.Abs(want) || !res.Standardized {
		t.Errorf("bm logz -data: mean log p %.6g (standardized %v), want %.6g from the SavedModel's free energy on the raw rows", *res.MeanLogP, res.Standardized, want)
	}
}

// TestSampleStandardizesOnce: bm sample draws the chains of the model and shows them in the
// data's units, the standardization undone once (the picture equals one drawn from the
// model's own chains, unstandardized explicitly).
func TestSampleStandardizesOnce(t *testing.T) {
	s := newStandardizedRun(t)
	out := filepath.Join(t.TempDir(), "s.png")
	bm(t, "sample", "-model", filepath.Join(s.run, "model"), "-chains", "6", "-steps", "5", "-seed", "3", "-image-shape", "8,8,1", "-out", out)
	checkSamplesPicture(t, s, out, rbm.SampleOptions{Chains: 6, Steps: 5, Seed: 3})
}

// TestTrainSamplesStandardizedOnce: bm train -standardize draws samples.png in the data's units
// too (it tiled the standardized means, each tile stretched to its own range).
func TestTrainSamplesStandardizedOnce(t *testing.T) {
	s := newStandardizedRun(t)
	out := filepath.Join(t.TempDir(), "run")
	bm(t, "train", "-data", s.mnist, "-visible", "gaussian", "-standardize", "-n-train", "250", "-n-val", "50",
		"-n-hidden", "6", "-epochs", "1", "-batch-size", "10", "-metrics", "msre", "-samples", "6", "-sample-steps", "5",
		"-sample-start", "noise", "-seed", "3", "-filters", "0", "-out", out, "-quiet")
	s.run = out
	checkSamplesPicture(t, s, filepath.Join(out, "samples.png"), rbm.SampleOptions{Chains: 6, Steps: 5, Seed: 3})
}

// checkSamplesPicture checks that the picture at out shows the chains o of the model in s.run
// in the data's units: their means unstandardized once with s.std, tiled 10 a row, scaled 2×.
func checkSamplesPicture(t *testing.T, s *standardizedRun, out string, o rbm.SampleOptions) {
	t.Helper()
	m, err := rbm.Load(filepath.Join(s.run, "model"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	smp, err := m.Sample(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	means := smp.Means
	for i, v := range means.Data {
		j := i % means.Cols
		means.Data[i] = v*s.std.Std[j] + s.std.Mean[j]
	}
	img, err := picture.Tiles(means.Data, means.Rows, 8, 8, 1, 10, false)
	if err != nil {
		t.Fatal(err)
	}
	want := picture.Scale(img, 2)
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if got.Bounds() != want.Bounds() {
		t.Fatalf("%s: picture %v, want %v", out, got.Bounds(), want.Bounds())
	}
	diff := 0
	for y := want.Bounds().Min.Y; y < want.Bounds().Max.Y; y++ {
		for x := want.Bounds().Min.X; x < want.Bounds().Max.X; x++ {
			if !sameGray(got, want, x, y) {
				diff++
			}
		}
	}
	if diff > 0 {
		t.Errorf("%s: %d pixels differ from the model's chains in the data's units", out, diff)
	}
}

// sameGray reports whether a and b have the same colour at (x, y).
func sameGray(a, b image.Image, x, y int) bool {
	r1, g1, b1, _ := a.At(x, y).RGBA()
	r2, g2, b2, _ := b.At(x, y).RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2
}

// TestFewLabelStandardizesOnce: bm few-label fine-tunes a model pretrained on standardized data
// on rows standardized once: its predictions are the saved MLP's on the standardized test rows,
// and the standardizer is saved beside the fine-tuned model.
func TestFewLabelStandardizesOnce(t *testing.T) {
	s := newStandardizedRun(t)
	out := filepath.Join(t.TempDir(), "few")
	bm(t, "few-label", "-model", s.run, "-data", s.mnist, "-rows", "100", "-out", out, "-quiet")
	for _, stem := range []string{"rbm_90_10_", "rbm_no_init_90_10_"} {
		pred, err := dataset.ReadNPYLabels(filepath.Join(out, stem+"y_pred.npy"))
		if err != nil {
			t.Fatal(err)
		}
		m, err := mlp.Load(filepath.Join(out, stem+"mlp", "model"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Classify(standardized(t, s.std, s.test))
		m.Close()
		if err != nil {
			t.Fatal(err)
		}
		same := 0
		for i := range got {
			if got[i] == pred[i] {
				same++
			}
		}
		if same != len(got) {
			t.Errorf("%s: y_pred agrees with the MLP on the standardized test rows on %d of %d rows", stem, same, len(got))
		}
		std, err := dataset.LoadStandardizer(filepath.Join(out, stem+"mlp", standardizerFile))
		if err != nil {
			t.Errorf("%s: no standardizer beside the fine-tuned model: %v", stem, err)
		} else {
			near(t, stem+" saved standardizer", std.Mean, s.std.Mean, 0)
		}
	}
}

// TestDBMStandardizesOnce: a Gaussian-visible DBM trained by bm dbm -standardize, transformed
// by bm transform from raw rows, gives its SavedModel's features on those rows.
func TestDBMStandardizesOnce(t *testing.T) {
	dir := t.TempDir()
	mnist, out := filepath.Join(dir, "mnist"), filepath.Join(dir, "dbm")
	writeLabeledMNIST(t, mnist, 200, 40)
	bm(t, "dbm", "-data", mnist, "-visible", "gaussian", "-standardize", "-n-train", "160", "-n-val", "40", "-n-hiddens", "6,4",
		"-rbm-epochs", "1,1", "-rbm-w-init", "0.3,0.3", "-epochs", "1", "-batch-size", "10", "-n-particles", "10", "-max-mf-updates", "5", "-ais-betas", "0",
		"-out", out, "-quiet")
	bm(t, "export", "-model", filepath.Join(out, "dbm", "model"), "-base", filepath.Join(dir, "sm"), "-name", "d")
	x, _, err := pipeline.ReadLabeledSet(mnist, true)
	if err != nil {
		t.Fatal(err)
	}
	want := serve(t, filepath.Join(dir, "sm", "d", "1"), "serving_default", "features", x)
	f := filepath.Join(dir, "f.npy")
	bm(t, "transform", "-model", filepath.Join(out, "dbm"), "-data", mnist, "-test", "-out", f, "-quiet")
	got, err := dataset.ReadNPY[float32](f)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "bm transform of the DBM", got.Data, want, 2e-5)
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/pyargs"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// TestDBMCIFAREndToEnd runs bm dbm-cifar on a tiny CIFAR-10 set, the original's pipeline with
// the sizes shrunk: augmentation (cached), standardization (cached), 26 patch RBMs trained two
// at a time, the assembled Gaussian RBM, its features in half precision (cached), the
// multinomial RBM on them (streamed), the DBM and the fine-tuned MLP; a second run reuses every
// stage and cache, and one with another --n-train makes the caches again.
func TestDBMCIFAREndToEnd(t *testing.T) {
	dir := t.TempDir()
	writeCIFAR(t, dir, 8) // 40 training images, 8 test images
	models := filepath.Join(dir, "models")
	args := func(nTrain string) []string {
		return []string{"dbm-cifar", "--data-path", dir, "--n-train", nTrain, "--n-val", "6", "--small-epochs", "1", "--small-batch-size", "20",
			"--small-n-hidden", "3", "--small-jobs", "2", "--small-dirpath-prefix", filepath.Join(models, "small_"), "--n-hidden", "5",
			"--epochs", "1", "1", "1", "--batch-size", "30", "--n-particles", "10", "--max-mf-updates", "5",
			"--grbm-dirpath", filepath.Join(models, "grbm"), "--mrbm-dirpath", filepath.Join(models, "mrbm"), "--dbm-dirpath", filepath.Join(models, "dbm"),
			"--mlp-epochs", "2", "--mlp-batch-size", "50", "--mlp-save-prefix", filepath.Join(dir, "grbm_"), "--export-dir", filepath.Join(dir, "savedmodels"), "--quiet"}
	}
	if code := run(args("30")); code != 0 {
		t.Fatalf("bm dbm-cifar exited %d", code)
	}
	for _, f := range []string{"X_aug.npy", "y_aug.npy", "X_aug_mean.npy", "X_aug_std.npy", "Q_train_cifar.npy", "Q_val_cifar.npy", "G_train_cifar.npy",
		"models/small_0/model/model.json", "models/small_25/model/model.json", "models/grbm/model/model.json", "models/grbm/filters.png",
		"models/mrbm/model/model.json", "models/dbm/model/model.json", "models/dbm/filters.png", "models/dbm/samples.png",
		"grbm_y_pred.npy", "grbm_W_finetuned.npy", "grbm_mlp/model/model.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	x, err := dataset.ReadNPY[float32](filepath.Join(dir, "X_aug.npy"))
	if err != nil || x.Rows != 300 || x.Cols != 3072 {
		t.Errorf("X_aug.npy: %v rows, %v", x, err)
	}
	q, err := dataset.ReadNPYHalf(filepath.Join(dir, "Q_train_cifar.npy"))
	if err != nil || q.Rows != 300 || q.Cols != 26*3 {
		t.Errorf("Q_train_cifar.npy: %v, %v; want 300×78 half precision", q, err)
	}
	g, err := rbm.Load(filepath.Join(models, "grbm", "model"))
	if err != nil {
		t.Fatal(err)
	}
	if c := g.Config(); c.NumVisible != 3072 || c.NumHidden != 78 {
		t.Errorf("Gaussian RBM %d→%d, want 3072→78", c.NumVisible, c.NumHidden)
	}
	g.Close()
	b, err := os.ReadFile(filepath.Join(dir, "grbm_mlp", "model", "model.json"))
	if err != nil || !strings.Contains(string(b), `"BatchNorm": true`) || !strings.Contains(string(b), `"Activation": "relu"`) {
		t.Errorf("fine-tuned MLP model.json: want batch normalization and ReLU: %s", b)
	}

	var code int
	msg := captureStderr(t, func() { code = run(args("30")) })
	for _, want := range []string{"reusing " + filepath.Join(dir, "X_aug.npy"), "standardization: reusing", "features: reusing", "resuming the DBM"} {
		if code != 0 || !strings.Contains(msg, want) {
			t.Errorf("second run: exit %d, want %q:\n%s", code, want, msg)
		}
	}
	if strings.Contains(msg, "patch RBM 0 (") || strings.Contains(msg, "augmenting") {
		t.Errorf("second run trained a patch RBM or augmented again:\n%s", msg)
	}
	// The DBM resumes with its saved configuration: a DBM training flag given with another value
	// is an error naming the flag as this program spells it.
	msg = captureStderr(t, func() { code = run(append(args("30"), "--max-norm", "3")) })
	if code != 2 || !strings.Contains(msg, "flag --max-norm") || !strings.Contains(msg, "--dbm-dirpath") {
		t.Errorf("resuming the DBM with another --max-norm: exit %d, want 2 naming --max-norm:\n%s", code, msg)
	}
	// Another split: the caches no longer fit and are made again.
	os.RemoveAll(models)
	msg = captureStderr(t, func() { code = run(args("32")) })
	if code != 0 || !strings.Contains(msg, "augmenting 32 training images") || !strings.Contains(msg, "features: writing") {
		t.Errorf("run with --n-train 32: exit %d, want the caches made again:\n%s", code, msg)
	}
	for _, bad := range [][]string{{"--lr", "1", "2", "3", "4"}, {"--sparsity-target", "1", "2", "3"}, {"--small-jobs", "0"}, {"--small-lr", "-1"}, {"--n-train", "x"}} {
		var code int
		msg := captureStderr(t, func() { code = run(append([]string{"dbm-cifar", "--data-path", dir}, bad...)) })
		if code != 2 || !strings.Contains(msg, bad[0]) {
			t.Errorf("%v: exit %d, %q; want 2 naming %s", bad, code, msg, bad[0])
		}
	}
}

// TestDBMCIFARReadmeCommandLine parses the original README's longer dbm_cifar.py run and the
// defaults: every value lands where the spec puts it.
func TestDBMCIFARReadmeCommandLine(t *testing.T) {
	var a dbmCIFARArgs
	p := a.parser()
	line := "--small-l2 2e-3 --small-epochs 120 --small-sparsity-cost 0 --increase-n-gibbs-steps-every 20 --epochs 80 72 200 --l2 2e-3 0.01 1e-8 --max-mf-updates 70"
	if err := p.Parse(strings.Fields(line)); err != nil {
		t.Fatal(err)
	}
	if a.smallL2 != 2e-3 || a.smallEpochs != 120 || a.smallSpCost != 0 || a.every != 20 || a.mfUpdates != 70 ||
		!reflect.DeepEqual(a.epochs, []int{80, 72, 200}) || !reflect.DeepEqual(a.l2, []float64{2e-3, 0.01, 1e-8}) {
		t.Errorf("parsed %+v", a)
	}
	var d dbmCIFARArgs
	if err := d.parser().Parse(nil); err != nil {
		t.Fatal(err)
	}
	if d.nTrain != 49000 || d.smallBatch != 48 || d.smallSeed != 9000 || d.mfTol != 1e-11 || d.maxNorm != 4 || d.particles != 100 ||
		!reflect.DeepEqual(d.lr, []float64{5e-4, 5e-5, 4e-5}) || !reflect.DeepEqual(d.epochs, []int{64, 33, 100}) ||
		!reflect.DeepEqual(d.seeds, []int{1111, 2222, 3333}) || !reflect.DeepEqual(d.spCost, []float64{1e-4, 1e-3}) || d.mlp.batch != 128 {
		t.Errorf("defaults %+v", d)
	}
}

// TestCIFARMLPDefaults checks the CIFAR programs' own --mlp-l2 and --mlp-dropout defaults and
// early-stopping and plateau patiences (spec §6.3, §6.4), which differ from the MNIST programs':
// parsed, and shown by -h.
func TestCIFARMLPDefaults(t *testing.T) {
	var naive dbmCIFARNaiveArgs
	var aug dbmCIFARArgs
	for _, tc := range []struct {
		p           *pyargs.Parser
		mlp         *mlpArgs
		l2, dropout float64
		patience    [2]int // EarlyStopping, ReduceLROnPlateau
	}{{naive.parser(), &naive.mlp, 1e-4, 0.64, [2]int{12, 6}}, {aug.parser(), &aug.mlp, 1e-4, 0.7, [2]int{6, 3}}} {
		if err := tc.p.Parse(nil); err != nil {
			t.Fatal(err)
		}
		if tc.mlp.l2 != tc.l2 || tc.mlp.dropout != tc.dropout {
			t.Errorf("%s: --mlp-l2 %g, --mlp-dropout %g; want %g, %g", tc.p.Prog, tc.mlp.l2, tc.mlp.dropout, tc.l2, tc.dropout)
		}
		if got := [2]int{tc.mlp.patience, tc.mlp.plateau}; got != tc.patience {
			t.Errorf("%s: --mlp-patience, --mlp-plateau-patience %v; want %v", tc.p.Prog, got, tc.patience)
		}
		var help strings.Builder
		tc.p.Output = &help
		tc.p.Usage()
		for _, want := range []string{fmt.Sprintf("(default: %g)", tc.l2), fmt.Sprintf("(default: %g)", tc.dropout)} {
			if !strings.Contains(help.String(), want) {
				t.Errorf("%s -h: no %q:\n%s", tc.p.Prog, want, help.String())
			}
		}
	}
}

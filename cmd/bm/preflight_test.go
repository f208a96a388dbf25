package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// Issue 29, point 4: a broken test file or an output folder that cannot be written is refused
// before the first epoch, not after hours of training. Each case runs a program whose training
// would take seconds, and checks that it failed before any model folder was written.

// refusedBeforeTraining runs bm with args and fails the test unless it exits with code, names
// want on stderr, and left no model.json under root.
func refusedBeforeTraining(t *testing.T, root string, code int, want string, args ...string) {
	t.Helper()
	var got int
	stderr := captureStderr(t, func() { got = run(args) })
	if got != code || !strings.Contains(stderr, want) {
		t.Errorf("bm %s: exit %d, want %d naming %q:\n%s", strings.Join(args, " "), got, code, want, stderr)
	}
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && (d.Name() == "model.json" || d.Name() == "logs") {
			t.Errorf("bm %s: %s written before the refusal", args[0], path)
		}
		return nil
	})
}

// aFile writes a regular file under dir and returns it: a folder below it cannot be created,
// whoever runs the test (root included).
func aFile(t *testing.T, dir string) string {
	t.Helper()
	f := filepath.Join(dir, "a-file")
	if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestMNISTProgramsCheckFirst: rbm-mnist, dbm-mnist and bm dbm with a broken t10k file, or
// rbm-mnist and dbm-mnist with an --export-dir or --mlp-save-prefix that cannot be written,
// fail before the first epoch.
func TestMNISTProgramsCheckFirst(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	writeLabeledMNIST(t, filepath.Join(data, "mnist"), 120, 20)
	file := aFile(t, dir)
	models := filepath.Join(dir, "models")
	rbmMNIST := func(extra ...string) []string {
		return append([]string{"rbm-mnist", "--data-path", data, "--n-train", "100", "--n-val", "20", "--n-hidden", "4", "--epochs", "1",
			"--model-dirpath", filepath.Join(models, "rbm") + "/", "--mlp-epochs", "1", "--mlp-save-prefix", filepath.Join(dir, "out", "rbm_"),
			"--export-dir", filepath.Join(dir, "sm"), "--quiet"}, extra...)
	}
	dbmMNIST := func(extra ...string) []string {
		return append([]string{"dbm-mnist", "--data-path", data, "--n-train", "100", "--n-val", "20", "--n-hiddens", "6", "4",
			"--epochs", "1", "1", "1", "--batch-size", "10", "--n-particles", "10", "--max-mf-updates", "5", "--ais-betas", "0",
			"--rbm1-dirpath", filepath.Join(models, "rbm1"), "--rbm2-dirpath", filepath.Join(models, "rbm2"), "--dbm-dirpath", filepath.Join(models, "dbm"),
			"--mlp-epochs", "1", "--mlp-save-prefix", filepath.Join(dir, "out", "dbm_"), "--export-dir", filepath.Join(dir, "sm"), "--quiet"}, extra...)
	}
	bmDBM := []string{"dbm", "-data", filepath.Join(data, "mnist"), "-n-train", "100", "-n-val", "20", "-n-hiddens", "6,4", "-rbm-epochs", "1,1",
		"-epochs", "1", "-batch-size", "10", "-n-particles", "10", "-max-mf-updates", "5", "-ais-betas", "20", "-ais-runs", "4",
		"-out", filepath.Join(models, "dbm-run"), "-quiet"}

	// Output locations (pyargs parses the last of a repeated flag).
	refusedBeforeTraining(t, models, 2, "--export-dir", rbmMNIST("--export-dir", filepath.Join(file, "sm"))...)
	refusedBeforeTraining(t, models, 2, "--mlp-save-prefix", rbmMNIST("--mlp-save-prefix", filepath.Join(file, "rbm_"))...)
	refusedBeforeTraining(t, models, 2, "--export-dir", dbmMNIST("--export-dir", filepath.Join(file, "sm"))...)
	refusedBeforeTraining(t, models, 2, "--mlp-save-prefix", dbmMNIST("--mlp-save-prefix", filepath.Join(file, "dbm_"))...)
	refusedBeforeTraining(t, models, 2, "--dbm-dirpath", dbmMNIST("--dbm-dirpath", filepath.Join(file, "dbm"))...)
	refusedBeforeTraining(t, models, 2, "-out", append(bmDBM, "-out", filepath.Join(file, "run"))...)

	// Broken test files.
	for _, name := range []string{dataset.MNISTTestImages, dataset.MNISTTestLabels} {
		t.Run(name, func(t *testing.T) {
			broken := filepath.Join(dir, "broken-"+name)
			writeLabeledMNIST(t, filepath.Join(broken, "mnist"), 120, 20)
			corrupt(t, filepath.Join(broken, "mnist", name))
			refusedBeforeTraining(t, models, 1, name, rbmMNIST("--data-path", broken)...)
			refusedBeforeTraining(t, models, 1, name, dbmMNIST("--data-path", broken)...)
			refusedBeforeTraining(t, models, 1, name, append(bmDBM, "-data", filepath.Join(broken, "mnist"))...)
		})
	}
}

// TestCIFARProgramsCheckFirst: dbm-cifar-naive with a truncated test_batch.bin, and both CIFAR
// programs with an --export-dir that cannot be written, fail before the first epoch.
func TestCIFARProgramsCheckFirst(t *testing.T) {
	dir := t.TempDir()
	root := writeCIFAR(t, dir, 12)
	file := aFile(t, dir)
	models := filepath.Join(dir, "models")
	naive := []string{"dbm-cifar-naive", "--data-path", dir, "--n-train", "50", "--n-val", "10", "--epochs", "1", "1", "1",
		"--batch-size", "10", "--n-particles", "10", "--grbm-dirpath", filepath.Join(models, "grbm"), "--mrbm-dirpath", filepath.Join(models, "mrbm"),
		"--dbm-dirpath", filepath.Join(models, "dbm"), "--mlp-epochs", "1", "--mlp-batch-size", "10", "--mlp-save-prefix", filepath.Join(dir, "naive_"),
		"--export-dir", filepath.Join(dir, "savedmodels"), "--quiet"}
	cifar := []string{"dbm-cifar", "--data-path", dir, "--n-train", "30", "--n-val", "6", "--no-aug", "--small-epochs", "1", "--small-batch-size", "20",
		"--small-n-hidden", "2", "--small-dirpath-prefix", filepath.Join(models, "s_"), "--n-hidden", "4", "--epochs", "1", "1", "1",
		"--batch-size", "10", "--n-particles", "10", "--grbm-dirpath", filepath.Join(models, "grbm"), "--mrbm-dirpath", filepath.Join(models, "mrbm"),
		"--dbm-dirpath", filepath.Join(models, "dbm"), "--mlp-epochs", "1", "--mlp-save-prefix", filepath.Join(dir, "grbm_"), "--quiet"}
	refusedBeforeTraining(t, models, 2, "--export-dir", append(naive, "--export-dir", filepath.Join(file, "sm"))...)
	refusedBeforeTraining(t, models, 2, "--export-dir", append(cifar, "--export-dir", filepath.Join(file, "sm"))...)
	refusedBeforeTraining(t, models, 2, "--mlp-save-prefix", append(naive, "--mlp-save-prefix", filepath.Join(file, "naive_"))...)
	if err := os.Truncate(filepath.Join(root, "test_batch.bin"), 3073*5+100); err != nil {
		t.Fatal(err)
	}
	refusedBeforeTraining(t, models, 1, "test_batch.bin", naive...)
}

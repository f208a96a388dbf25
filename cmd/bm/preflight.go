package main

import (
	"github.com/boltzmann-go/boltzmann/pipeline"

	"fmt"
	"os"
	"path/filepath"
)

// Issue 29, point 4: every input and output location of a long program is checked before its
// first epoch, so that a broken test file or a folder that cannot be written fails in seconds,
// not after hours of training.

// checkWritable is pipeline.CheckWritable, its error a usage error naming flag (the flag that
// sets dir as the command spells it, "-out" or "--export-dir"; "" for none: a plain error).
func checkWritable(flag, dir string) error {
	err := pipeline.CheckWritable(dir)
	if err != nil && flag != "" {
		return usageError{"flag " + flag + ": " + err.Error()}
	}
	return err
}

// checkOutputs checks that the fine-tuning stage can write its predictions (the folder of
// --mlp-save-prefix) and its SavedModel (--export-dir), unless --no-mlp skips it.
func (a *mlpArgs) checkOutputs() error {
	if a.stopAfterRB {
		return nil
	}
	if a.savePrefix != "" {
		if err := checkWritable("--mlp-save-prefix", filepath.Dir(a.savePrefix+"x")); err != nil {
			return err
		}
		// The fine-tuned model's folder, <prefix>mlp/.
		if st, err := os.Stat(a.savePrefix + "mlp"); err == nil && !st.IsDir() {
			return usageError{fmt.Sprintf("flag --mlp-save-prefix: %smlp is a file, want the fine-tuned model's folder", a.savePrefix)}
		}
	}
	if a.exportDir != "" {
		if err := checkWritable("--export-dir", a.exportDir); err != nil {
			return err
		}
	}
	return nil
}

// checkTestSet reads the test images and labels of the MNIST or CIFAR-10 folder path and
// returns an error naming a file that cannot be read. A program that uses the test set after
// training calls it before, and drops what it read.
func checkTestSet(path string) error {
	if _, _, err := pipeline.ReadLabeledSet(path, true); err != nil {
		return fmt.Errorf("the test set: %w", err)
	}
	return nil
}

// checkLocations checks, before anything loads or trains, that the model folders and the
// output folder can be written and that the test set is readable when the run will use it
// (for the lower bound after AIS).
func (f *dbmFlags) checkLocations() error {
	return checkDBMLocations("-out", f.out, append(f.rbmFolders(), f.modelDir()), f.data.path, f.aisBetas > 0, nil)
}

// checkDBMLocations checks that the output folder out (set by the flag outFlag) and the model
// folders dirs can be written, that the test set in dataPath is readable when the run reads it
// (needTest), and then preflight (if not nil).
func checkDBMLocations(outFlag, out string, dirs []string, dataPath string, needTest bool, preflight func() error) error {
	if err := checkWritable(outFlag, out); err != nil {
		return err
	}
	for _, dir := range dirs {
		if err := checkWritable("", dir); err != nil {
			return err
		}
	}
	if st, err := os.Stat(dataPath); err == nil && st.IsDir() && needTest {
		if err := checkTestSet(dataPath); err != nil {
			return err
		}
	}
	if preflight != nil {
		return preflight()
	}
	return nil
}

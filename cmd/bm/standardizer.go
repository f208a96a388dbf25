package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// standardizerFile is the file beside a model folder (in its run folder) that holds the
// standardization the model was trained behind: bm export puts it into the SavedModel and bm
// transform applies it, so both take raw data.
const standardizerFile = "standardizer.json"

// standardizerPath is the standardizer file of the model folder modelDir.
func standardizerPath(modelDir string) string {
	return filepath.Join(filepath.Dir(filepath.Clean(resolveModelDir(modelDir))), standardizerFile)
}

// saveStandardizer writes std (if not nil) beside the model folder modelDir.
func saveStandardizer(modelDir string, std *dataset.Standardizer) error {
	if std == nil {
		return nil
	}
	path := standardizerPath(modelDir)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return std.Save(path)
}

// standardizerFor returns the standardization saved beside the model folder modelDir, or nil
// when there is none, and says that it applies it to the raw input. The caller applies it
// exactly once: every path that reads raw data for a model (transform, classify, logz -data,
// few-label) goes through here, and nowhere else.
func standardizerFor(modelDir string) (*dataset.Standardizer, error) {
	std, err := modelStandardizer(modelDir)
	if std != nil {
		log.Printf("the model was trained on standardized data: applying %s to the raw input", standardizerPath(modelDir))
	}
	return std, err
}

// modelStandardizer returns the standardization saved beside the model folder modelDir, or nil
// when there is none.
func modelStandardizer(modelDir string) (*dataset.Standardizer, error) {
	path := standardizerPath(modelDir)
	std, err := dataset.LoadStandardizer(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("the model's standardization: %w", err)
	}
	return std, nil
}

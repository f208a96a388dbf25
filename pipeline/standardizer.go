package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// StandardizerFile is the file beside a model folder (in its run folder) that holds the
// standardization the model was trained behind: bm export puts it into the SavedModel and bm
// transform applies it, so both take raw data.
const StandardizerFile = "standardizer.json"

// StandardizerPath is the standardizer file of the model folder modelDir.
func StandardizerPath(modelDir string) string { return besideModel(modelDir, StandardizerFile) }

// besideModel is the file named file beside the model folder modelDir, in its run folder.
func besideModel(modelDir, file string) string {
	return filepath.Join(filepath.Dir(filepath.Clean(ResolveModelDir(modelDir))), file)
}

// SaveStandardizer writes std (if not nil) beside the model folder modelDir.
func SaveStandardizer(modelDir string, std *dataset.Standardizer) error {
	if std == nil {
		return nil
	}
	path := StandardizerPath(modelDir)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return std.Save(path)
}

// StandardizerFor returns the standardization saved beside the model folder modelDir, or nil
// when there is none, and logs that it applies it to the raw input. The caller applies it
// exactly once: every path that reads raw data for a model (transform, classify, logz -data,
// few-label) goes through here, and nowhere else.
func StandardizerFor(modelDir string, h Hooks) (*dataset.Standardizer, error) {
	std, err := ModelStandardizer(modelDir)
	if std != nil {
		h.logf("the model was trained on standardized data: applying %s to the raw input", StandardizerPath(modelDir))
	}
	return std, err
}

// ModelStandardizer returns the standardization saved beside the model folder modelDir, or
// nil when there is none.
func ModelStandardizer(modelDir string) (*dataset.Standardizer, error) {
	path := StandardizerPath(modelDir)
	std, err := dataset.LoadStandardizer(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("the model's standardization: %w", err)
	}
	return std, nil
}

package pipeline

import (
	"encoding/json"
	"fmt"

	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/internal/modeldir"
)

// ModelHead is what the commands read from a model.json without loading the model.
type ModelHead struct {
	Kind       string `json:"kind"`
	Epoch      int    `json:"epoch"`
	Checkpoint string `json:"checkpoint"`
}

// ReadHead reads the model.json in dir.
func ReadHead(dir string) (ModelHead, error) {
	var head ModelHead
	b, err := modeldir.Read(dir)
	if err != nil {
		return head, err
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return head, modeldir.Inconsistent(fmt.Errorf("%s: corrupt %s: %w", dir, modeldir.File, err))
	}
	return head, nil
}

// ModelKind returns the kind ("rbm" or "dbm") of the model saved in dir.
func ModelKind(dir string) (string, error) {
	head, err := ReadHead(dir)
	if err != nil {
		return "", err
	}
	if head.Kind != "rbm" && head.Kind != "dbm" {
		return "", modeldir.Inconsistent(fmt.Errorf("%s: %s names kind %q, want rbm or dbm", dir, modeldir.File, head.Kind))
	}
	if err := CheckKind(dir, head.Kind); err != nil {
		return "", err
	}
	return head.Kind, nil
}

// CheckKind reports a model.json in dir whose description is of another kind than its "kind"
// says (an RBM's visible and hidden units, a DBM's units, an MLP's layers), so that an edited
// kind is named as such rather than by the first field the other kind cannot read.
func CheckKind(dir, kind string) error {
	b, err := modeldir.Read(dir)
	if err != nil {
		return err
	}
	var mj struct {
		Units           json.RawMessage `json:"units"`
		Visible, Hidden json.RawMessage
		Config          struct{ Inputs, Layers, Classes, Mode json.RawMessage }
	}
	if err := json.Unmarshal(b, &mj); err != nil {
		return modeldir.Inconsistent(fmt.Errorf("%s: corrupt %s: %w", dir, modeldir.File, err))
	}
	var described, by string
	switch {
	case mj.Units != nil:
		described, by = "dbm", "a DBM's units"
	case mj.Visible != nil && mj.Hidden != nil:
		described, by = "rbm", "an RBM's visible and hidden units"
	case mj.Config.Inputs != nil && mj.Config.Layers != nil:
		described, by = "mlp", "an MLP's layers"
	case mj.Config.Classes != nil && mj.Config.Mode != nil:
		described, by = "crbm", "a classification RBM's classes and training mode"
	}
	if described != "" && described != kind {
		return modeldir.Inconsistent(fmt.Errorf("%s: %s says kind %q but describes a model of kind %q (%s): its kind was edited, or it is another model's", dir, modeldir.File, kind, described, by))
	}
	return nil
}

// ResolveModelDir accepts a model folder or a run folder holding model/ (as bm train -out
// writes it) and returns the model folder.
func ResolveModelDir(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, "model.json")); err != nil {
		if _, err := os.Stat(filepath.Join(dir, "model", "model.json")); err == nil {
			return filepath.Join(dir, "model")
		}
	}
	return dir
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Package modeldir keeps a model directory: a JSON description (model.json) that names the
// current TensorFlow checkpoint of the model's variables. Save writes a new checkpoint under a
// fresh name, then replaces model.json atomically, then deletes older checkpoints, so a crash at
// any point leaves a model.json that names a complete checkpoint.
package modeldir

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// File is the name of the JSON description in a model directory.
const File = "model.json"

// ErrNoModel reports a directory without a model.json.
var ErrNoModel = errors.New("no saved model")

// Save writes the variables of saver into dir (created if needed) as checkpoint
// ckpt-<step>-<nanoseconds>, then model.json holding what meta returns for that checkpoint name.
// The SHA-256 of that model.json is kept beside the checkpoint (<checkpoint>.sha256), so that
// Restore can tell a description edited after the save.
func Save(dir string, sess *tfops.Session, saver *tfops.Saver, step int64, meta func(checkpoint string) ([]byte, error)) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	atomicfile.RemoveStale(dir) // an earlier save killed mid-write
	name := fmt.Sprintf("ckpt-%d-%d", step, time.Now().UnixNano())
	if err := saver.Save(sess, filepath.Join(dir, name)); err != nil {
		return err
	}
	// The checkpoint must be on disk before model.json names it.
	written, _ := filepath.Glob(filepath.Join(dir, name+".*"))
	for _, f := range written {
		if err := atomicfile.SyncFile(f); err != nil {
			return err
		}
	}
	if err := atomicfile.SyncDir(dir); err != nil {
		return err
	}
	b, err := meta(name)
	if err != nil {
		return err
	}
	// The digest of the description goes beside the checkpoint, before model.json names it.
	if err := atomicfile.WriteFile(filepath.Join(dir, name+digestSuffix), digest(b)); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, File), b); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "ckpt-*"))
	for _, f := range old {
		if !strings.HasPrefix(filepath.Base(f), name+".") {
			os.Remove(f) // the new checkpoint is committed; a leftover old one is harmless
		}
	}
	return nil
}

// Read returns the contents of dir's model.json, or an error wrapping ErrNoModel.
func Read(dir string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, File))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w (no %s)", dir, ErrNoModel, File)
	}
	return b, err
}

// Restore sets saver's variables from the checkpoint named checkpoint in dir. An error about the
// folder's contents matches ErrInconsistent.
func Restore(dir, checkpoint string, sess *tfops.Session, saver *tfops.Saver) error {
	if checkpoint == "" || strings.ContainsAny(checkpoint, `/\`) || checkpoint == "." || checkpoint == ".." {
		return Inconsistent(fmt.Errorf("%s: bad checkpoint name %q in %s", dir, checkpoint, File))
	}
	// Compare the variables model.json describes with the checkpoint before reading its data: the
	// index names every tensor's dtype and shape, and the data file's size must be their sum.
	entries, err := tfops.ReadIndex(filepath.Join(dir, checkpoint))
	if err != nil {
		return Inconsistent(fmt.Errorf("%s: checkpoint %s: %w", dir, checkpoint, err))
	}
	if err := saver.CheckIndex(entries); err != nil {
		return Inconsistent(fmt.Errorf("%s: %s and checkpoint %s disagree: %v (the model folder is inconsistent: a model.json edited or from another model)", dir, File, checkpoint, err))
	}
	data := filepath.Join(dir, checkpoint+".data-00000-of-00001")
	st, err := os.Stat(data)
	if err != nil {
		return Inconsistent(fmt.Errorf("%s: checkpoint %s: %w", dir, checkpoint, err))
	}
	if want := saver.Bytes(); st.Size() != want {
		return Inconsistent(fmt.Errorf("%s: %s describes variables of %d bytes, but checkpoint %s holds %d: the model folder is inconsistent (a model.json edited or from another model)",
			dir, File, want, filepath.Base(data), st.Size()))
	}
	if err := checkDigest(dir, checkpoint); err != nil {
		return Inconsistent(err)
	}
	return saver.Restore(sess, filepath.Join(dir, checkpoint))
}

// Head is what every model.json holds beside the model's own description.
type Head struct {
	Format     int    `json:"format"`
	Kind       string `json:"kind"`
	Epoch      int    `json:"epoch"`
	Updates    int64  `json:"updates"`
	Checkpoint string `json:"checkpoint"`
}

// ReadJSON reads dir's model.json into v (the model package's description, which embeds or
// repeats Head's fields) and returns its Head after checking that it describes a model of kind
// in format, with non-negative counters. An error about the file's contents matches
// ErrInconsistent.
func ReadJSON(dir, kind string, format int, v any) (Head, error) {
	b, err := Read(dir)
	if err != nil {
		return Head{}, err
	}
	var h Head
	if err := json.Unmarshal(b, &h); err != nil {
		return Head{}, Inconsistent(fmt.Errorf("%s: corrupt %s: %w", dir, File, err))
	}
	if h.Format != format || h.Kind != kind {
		return Head{}, Inconsistent(fmt.Errorf("%s: %s has format %d kind %q, want format %d kind %q", dir, File, h.Format, h.Kind, format, kind))
	}
	if h.Epoch < 0 || h.Updates < 0 {
		return Head{}, Inconsistent(fmt.Errorf("%s: %s has a negative epoch or update count", dir, File))
	}
	if err := h.check(dir); err != nil {
		return Head{}, Inconsistent(fmt.Errorf("%s: %s: %w (the model folder is inconsistent: a model.json edited or from another model)", dir, File, err))
	}
	if err := json.Unmarshal(b, v); err != nil {
		return Head{}, Inconsistent(fmt.Errorf("%s: %s says kind %q but does not hold a description of one (%w): the kind or the description was edited", dir, File, kind, err))
	}
	return h, nil
}

// check compares the counters with each other and with the checkpoint's name, which Save
// makes from the update count (ckpt-<updates>-<nanoseconds>), and checks that the epochs did
// not make fewer updates than there are epochs.
func (h Head) check(dir string) error {
	// (A checkpoint that is not there is Restore's to report.)
	if rest, ok := strings.CutPrefix(h.Checkpoint, "ckpt-"); ok && fileExists(filepath.Join(dir, h.Checkpoint+".index")) {
		step, _, _ := strings.Cut(rest, "-")
		if n, err := strconv.ParseInt(step, 10, 64); err == nil && n != h.Updates {
			return fmt.Errorf("updates is %d, but its checkpoint %s was saved after %d", h.Updates, h.Checkpoint, n)
		}
	}
	if int64(h.Epoch) > h.Updates {
		return fmt.Errorf("epoch %d after %d updates: every epoch makes at least one update", h.Epoch, h.Updates)
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

package modeldir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestSaveKeepsOneCompleteCheckpoint saves twice, checks that model.json names the newest
// complete checkpoint and that the older one is gone, and that a failed save (meta fails after
// the checkpoint is written) leaves the previous model.json and its checkpoint intact.
func TestSaveKeepsOneCompleteCheckpoint(t *testing.T) {
	s := op.NewScope()
	v := tfops.NewVariable(s, "x", tf.Double, []int64{2})
	saver := tfops.NewSaver(s, []*tfops.Variable{v})
	g, err := s.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	sess, err := tfops.NewSession(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	val, _ := tfops.NewTensor([]float64{1, 2})
	if err := tfops.InitVariables(sess, []*tfops.Variable{v}, []*tf.Tensor{val}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "model")
	if _, err := Read(dir); !errors.Is(err, ErrNoModel) {
		t.Fatalf("Read(empty) = %v, want ErrNoModel", err)
	}
	var names []string
	for step := int64(1); step <= 2; step++ {
		if err := Save(dir, sess, saver, step, func(name string) ([]byte, error) {
			names = append(names, name)
			return []byte(name), nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	b, err := Read(dir)
	if err != nil || string(b) != names[1] {
		t.Fatalf("model.json = %q (%v), want %q", b, err, names[1])
	}
	files, _ := filepath.Glob(filepath.Join(dir, "ckpt-*"))
	for _, f := range files {
		if !strings.HasPrefix(filepath.Base(f), names[1]+".") {
			t.Errorf("old checkpoint file %s left behind", f)
		}
	}
	if len(files) != 3 {
		t.Errorf("checkpoint files %v, want index, data and digest", files)
	}
	boom := errors.New("boom")
	if err := Save(dir, sess, saver, 3, func(string) ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("failing Save = %v", err)
	}
	if b, _ := Read(dir); string(b) != names[1] {
		t.Errorf("after a failed save model.json = %q, want %q", b, names[1])
	}
	if err := Restore(dir, names[1], sess, saver); err != nil {
		t.Errorf("restore the committed checkpoint: %v", err)
	}
	for _, bad := range []string{"", "..", "../x", "a/b"} {
		if err := Restore(dir, bad, sess, saver); err == nil {
			t.Errorf("Restore(%q) gave no error", bad)
		}
	}
	// A model.json changed after the save, by a byte, is refused; restored, it is accepted.
	if err := os.WriteFile(filepath.Join(dir, File), []byte(names[1]+" "), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Restore(dir, names[1], sess, saver); !errors.Is(err, ErrInconsistent) || !strings.Contains(err.Error(), "changed after the model was saved") {
		t.Errorf("restore after model.json was edited: %v, want ErrInconsistent naming the change", err)
	}
	if err := os.WriteFile(filepath.Join(dir, File), []byte(names[1]), 0o644); err != nil {
		t.Fatal(err)
	}
	// A save killed while writing model.json leaves its temporary file: the next save removes it.
	stale := filepath.Join(dir, ".model.json.tmp-12345")
	if err := os.WriteFile(stale, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Save(dir, sess, saver, 4, func(name string) ([]byte, error) { return []byte(name), nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	// model.json that names a checkpoint of other variables (sizes) is refused before restoring.
	s2 := op.NewScope()
	w := tfops.NewVariable(s2, "x", tf.Double, []int64{3})
	saver2 := tfops.NewSaver(s2, []*tfops.Variable{w})
	g2, err := s2.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	sess2, err := tfops.NewSession(g2, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sess2.Close()
	b, _ = Read(dir)
	if err := Restore(dir, string(b), sess2, saver2); err == nil || !strings.Contains(err.Error(), "inconsistent") {
		t.Errorf("restore into variables of another size: %v, want an inconsistency error", err)
	}
}

// TestInconsistent: a marked error matches ErrInconsistent and what it wraps, and reads as it
// does; nil stays nil; an unmarked error does not match.
func TestInconsistent(t *testing.T) {
	base := fmt.Errorf("m: %w", os.ErrNotExist)
	err := fmt.Errorf("load: %w", Inconsistent(base))
	if !errors.Is(err, ErrInconsistent) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%v: want it to match ErrInconsistent and os.ErrNotExist", err)
	}
	if err.Error() != "load: "+base.Error() {
		t.Errorf("message %q, want %q", err, "load: "+base.Error())
	}
	if Inconsistent(nil) != nil {
		t.Error("Inconsistent(nil) is not nil")
	}
	if errors.Is(base, ErrInconsistent) {
		t.Error("an unmarked error matches ErrInconsistent")
	}
}

// TestReadJSONInconsistent: a corrupt model.json and one of another kind are reported as
// ErrInconsistent; a missing one as ErrNoModel only.
func TestReadJSONInconsistent(t *testing.T) {
	dir := t.TempDir()
	var v struct{}
	if _, err := ReadJSON(dir, "rbm", 1, &v); !errors.Is(err, ErrNoModel) || errors.Is(err, ErrInconsistent) {
		t.Errorf("missing model.json: %v", err)
	}
	for _, body := range []string{`{"format": 1, "kind": "rb`, `{"format": 1, "kind": "dbm"}`, `{"format": 1, "kind": "rbm", "epoch": -1}`} {
		if err := os.WriteFile(filepath.Join(dir, File), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadJSON(dir, "rbm", 1, &v); !errors.Is(err, ErrInconsistent) {
			t.Errorf("%s: %v, want ErrInconsistent", body, err)
		}
	}
}

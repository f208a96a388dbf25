package tfops

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// savedIndex saves a float32 [3 5] and a float64 [7] variable with a Saver and returns the
// checkpoint prefix and the saver.
func savedIndex(t testing.TB) (string, *Saver) {
	s := op.NewScope()
	a := NewVariable(s, "weights/W", tf.Float, []int64{3, 5})
	b := NewVariable(s, "weights/b", tf.Double, []int64{7})
	sv := NewSaver(s, []*Variable{a, b})
	g, err := s.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	sess, err := NewSession(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	ta, _ := TensorAs(make([]float64, 15), tf.Float, 3, 5)
	tb, _ := TensorAs(make([]float64, 7), tf.Double, 7)
	if err := InitVariables(sess, []*Variable{a, b}, []*tf.Tensor{ta, tb}); err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(t.TempDir(), "ckpt")
	if err := sv.Save(sess, prefix); err != nil {
		t.Fatal(err)
	}
	return prefix, sv
}

func TestReadIndex(t *testing.T) {
	prefix, sv := savedIndex(t)
	got, err := ReadIndex(prefix)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]IndexEntry{"weights/W": {tf.Float, []int64{3, 5}}, "weights/b": {tf.Double, []int64{7}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadIndex = %v, want %v", got, want)
	}
	if err := sv.CheckIndex(got); err != nil {
		t.Errorf("CheckIndex of its own checkpoint: %v", err)
	}
	got["weights/W"] = IndexEntry{tf.Float, []int64{5, 3}}
	if err := sv.CheckIndex(got); err == nil {
		t.Error("CheckIndex accepted a transposed shape")
	}
	scalar := &Saver{vars: []*Variable{{Name: "t", DType: tf.Double}}}
	if err := scalar.CheckIndex(map[string]IndexEntry{"t": {tf.Double, []int64{1}}}); err != nil {
		t.Errorf("a scalar saved as [1]: %v", err)
	}
	if err := scalar.CheckIndex(map[string]IndexEntry{"t": {tf.Double, []int64{2}}}); err == nil {
		t.Error("a scalar saved as [2] passed")
	}
	delete(got, "weights/b")
	if err := sv.CheckIndex(got); err == nil {
		t.Error("CheckIndex accepted a missing tensor")
	}
	b, _ := os.ReadFile(prefix + ".index")
	for i := 0; i < len(b); i += 7 { // truncations never panic and mostly fail
		ParseIndex(b[:i])
	}
	if _, err := ParseIndex(b[:len(b)-1]); !errors.Is(err, ErrIndex) {
		t.Errorf("truncated index: %v, want ErrIndex", err)
	}
}

// FuzzParseIndex: no input makes the index parser panic, hang or allocate beyond the input.
func FuzzParseIndex(f *testing.F) {
	prefix, _ := savedIndex(f)
	b, err := os.ReadFile(prefix + ".index")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		ParseIndex(data)
	})
}

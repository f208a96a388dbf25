package tfops

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// A Saver saves and restores a set of variables in TensorFlow's checkpoint format (SaveV2:
// <prefix>.index and <prefix>.data-00000-of-00001), which TF's own tools read. Its ops mirror
// the TF1 Saver, so its tensor and op names can go into a SaverDef.
type Saver struct {
	// Filename is the string placeholder fed with the checkpoint prefix.
	Filename tf.Output
	// SaveTensor is Filename passed through after the save has run (a SaverDef's save tensor).
	SaveTensor tf.Output
	// RestoreAll runs every restore assignment (a SaverDef's restore op).
	RestoreAll *tf.Operation
	vars       []*Variable
}

// NewSaver adds save and restore ops for vars under the sub-scope "save".
func NewSaver(s *op.Scope, vars []*Variable) *Saver {
	s = s.SubScope("save")
	names := make([]string, len(vars))
	slices := make([]string, len(vars))
	reads := make([]tf.Output, len(vars))
	dtypes := make([]tf.DataType, len(vars))
	for i, v := range vars {
		names[i] = v.Name
		reads[i] = v.Read(s)
		dtypes[i] = v.DType
	}
	fn := op.Placeholder(s.SubScope("filename"), tf.String, op.PlaceholderShape(tf.ScalarShape()))
	nameT := op.Const(s.SubScope("tensor_names"), names)
	sliceT := op.Const(s.SubScope("shape_and_slices"), slices)
	save := op.SaveV2(s.SubScope("save_v2"), fn, nameT, sliceT, reads)
	saveT := op.Identity(s.WithControlDependencies(save).SubScope("control_dependency"), fn)
	restored := op.RestoreV2(s.SubScope("restore_v2"), fn, nameT, sliceT, dtypes)
	if s.Err() != nil {
		return &Saver{vars: vars} // the sticky scope error reports the problem at Finalize
	}
	assigns := make([]*tf.Operation, len(vars))
	for i, v := range vars {
		assigns[i] = v.Assign(s.SubScope("restore"), restored[i])
	}
	return &Saver{
		Filename:   fn,
		SaveTensor: saveT,
		RestoreAll: op.NoOp(s.WithControlDependencies(assigns...).SubScope("restore_all")),
		vars:       vars,
	}
}

// Save writes the variables' current values to the checkpoint prefix (its directory is created).
func (sv *Saver) Save(sess *Session, prefix string) error {
	if err := os.MkdirAll(filepath.Dir(prefix), 0o755); err != nil {
		return fmt.Errorf("tfops: save checkpoint: %w", err)
	}
	fn, err := tf.NewTensor(prefix)
	if err != nil {
		return fmt.Errorf("tfops: save checkpoint: %w", err)
	}
	if _, err := sess.Run(map[tf.Output]*tf.Tensor{sv.Filename: fn}, []tf.Output{sv.SaveTensor}, nil); err != nil {
		return saveErr(prefix, err)
	}
	return nil
}

// Restore sets the variables from the checkpoint prefix.
func (sv *Saver) Restore(sess *Session, prefix string) error {
	if _, err := os.Stat(prefix + ".index"); err != nil {
		return fmt.Errorf("tfops: restore checkpoint: %w", err)
	}
	fn, err := tf.NewTensor(prefix)
	if err != nil {
		return fmt.Errorf("tfops: restore checkpoint: %w", err)
	}
	if _, err := sess.Run(map[tf.Output]*tf.Tensor{sv.Filename: fn}, nil, []*tf.Operation{sv.RestoreAll}); err != nil {
		return fmt.Errorf("tfops: restore checkpoint %s: %w", prefix, err)
	}
	return nil
}

// Bytes returns the size of the checkpoint data the variables make: the sum of their elements
// times their dtypes' sizes (SaveV2 writes them one after another).
func (sv *Saver) Bytes() int64 {
	var n int64
	for _, v := range sv.vars {
		size := int64(8)
		if v.DType == tf.Float || v.DType == tf.Int32 {
			size = 4
		}
		k := int64(1)
		for _, d := range v.Shape {
			k *= d
		}
		n += k * size
	}
	return n
}

// Variables returns the saved variables, in checkpoint order.
func (sv *Saver) Variables() []*Variable { return sv.vars }

// ErrDiskFull reports a checkpoint that could not be written for lack of space.
var ErrDiskFull = errors.New("no space left on device")

// saveErr words a failed save: a full disk as such, without TensorFlow's op context and its
// out-of-memory hint (which blame memory for what is a disk), anything else as TensorFlow says.
func saveErr(prefix string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "No space left on device") || strings.Contains(msg, "no space left on device") || errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("tfops: save checkpoint %s: the disk is full; free space and run the same command again (the last saved checkpoint, if any, is kept): %w", prefix, ErrDiskFull)
	}
	return fmt.Errorf("tfops: save checkpoint %s: %w", prefix, err)
}

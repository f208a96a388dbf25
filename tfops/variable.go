package tfops

import (
	"fmt"
	"sync/atomic"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// A Variable is a TensorFlow resource variable with a fixed dtype and shape. Its value lives in
// the session, so it never crosses the Go↔C boundary unless fetched.
type Variable struct {
	// Name is the variable's key in checkpoints, e.g. "weights/W".
	Name string
	// Handle is the output of the VarHandleOp.
	Handle tf.Output
	// DType and Shape describe the value.
	DType tf.DataType
	Shape []int64
	// InitValue is a placeholder; running Init with it fed sets the variable.
	InitValue tf.Output
	Init      *tf.Operation
}

var sharedNames atomic.Int64

// NewVariable adds a resource variable named name (its checkpoint key) with an initializer fed
// through a placeholder. Each variable gets a unique shared_name: two VarHandleOps that leave it
// empty would alias the same resource.
func NewVariable(s *op.Scope, name string, dt tf.DataType, shape []int64) *Variable {
	vs := s.SubScope(name)
	shared := fmt.Sprintf("%s_%d", name, sharedNames.Add(1))
	h := op.VarHandleOp(vs, dt, tf.MakeShape(shape...), op.VarHandleOpSharedName(shared))
	init := op.Placeholder(vs.SubScope("init_value"), dt, op.PlaceholderShape(tf.MakeShape(shape...)))
	return &Variable{
		Name:      name,
		Handle:    h,
		DType:     dt,
		Shape:     append([]int64(nil), shape...),
		InitValue: init,
		Init:      op.AssignVariableOp(vs.SubScope("init"), h, init),
	}
}

// Read adds a read of the variable's current value.
func (v *Variable) Read(s *op.Scope) tf.Output {
	return op.ReadVariableOp(s.SubScope("read_"+baseName(v.Name)), v.Handle, v.DType)
}

// Assign adds an op setting the variable to x.
func (v *Variable) Assign(s *op.Scope, x tf.Output) *tf.Operation {
	return op.AssignVariableOp(s.SubScope("assign_"+baseName(v.Name)), v.Handle, x)
}

// AssignAdd adds an op adding x to the variable.
func (v *Variable) AssignAdd(s *op.Scope, x tf.Output) *tf.Operation {
	return op.AssignAddVariableOp(s.SubScope("assign_add_"+baseName(v.Name)), v.Handle, x)
}

// Size is the number of elements of the variable.
func (v *Variable) Size() int {
	n := 1
	for _, d := range v.Shape {
		n *= int(d)
	}
	return n
}

func baseName(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[i+1:]
		}
	}
	return name
}

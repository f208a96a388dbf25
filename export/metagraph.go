package export

import (
	"bytes"
	"fmt"
	"sort"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/core/framework/attr_value_go_proto"
	"github.com/galeone/tensorflow/tensorflow/go/core/framework/graph_go_proto"
	"github.com/galeone/tensorflow/tensorflow/go/core/framework/tensor_shape_go_proto"
	"github.com/galeone/tensorflow/tensorflow/go/core/framework/types_go_proto"
	"github.com/galeone/tensorflow/tensorflow/go/core/framework/variable_go_proto"
	pb "github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"
	"github.com/galeone/tensorflow/tensorflow/go/op"
	"google.golang.org/protobuf/proto"

	"github.com/boltzmann-go/boltzmann/export/serving"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// Names fixed by TensorFlow (tag_constants.py, signature_constants.py, ops.GraphKeys).
const (
	serveTag                 = "serve"
	predictMethod            = "tensorflow/serving/predict"
	globalVariables          = "variables"
	trainableVariables       = "trainable_variables"
	initOpSignatureKey       = "__saved_model_init_op"
	savedModelSchemaVersion  = 1
	varHandleOpType          = "VarHandleOp"
	varHandleSharedNameField = "shared_name"
)

// variableOps are the ops that a VariableDef names for one variable.
type variableOps struct {
	v *tfops.Variable
	// initial is the value init assigns: zeros of the variable's shape, or, when the shape is
	// not fully known or the dtype has no zero constant here, the variable's own fed
	// InitValue placeholder.
	initial tf.Output
	init    *tf.Operation
	// snapshot is a read of the variable (VariableDef.snapshot_name).
	snapshot tf.Output
}

// addVariableOps adds, under s, a read and an initializer for each variable. The initializer
// assigns zeros and needs no feed, like the initializer of a variable made in Python, so that
// a TF1 program running tf.compat.v1.global_variables_initializer() on the loaded graph does
// not fail on an unfed placeholder. The trained values live only in the checkpoint.
func addVariableOps(s *op.Scope, vars []*tfops.Variable) []variableOps {
	out := make([]variableOps, len(vars))
	for i, v := range vars {
		vs := s.SubScope(v.Name)
		vo := variableOps{v: v, initial: v.InitValue, init: v.Init, snapshot: v.Read(vs)}
		if zero, ok := zeroScalar(v.DType); ok && knownShape(v.Shape) {
			vo.initial = op.Fill(vs.SubScope("zeros"), op.Const(vs.SubScope("shape"), append([]int64{}, v.Shape...)),
				op.Const(vs.SubScope("zero"), zero))
			vo.init = v.Assign(vs.SubScope("initializer"), vo.initial)
		}
		out[i] = vo
	}
	return out
}

func zeroScalar(dt tf.DataType) (any, bool) {
	switch dt {
	case tf.Float:
		return float32(0), true
	case tf.Double:
		return float64(0), true
	case tf.Int32:
		return int32(0), true
	case tf.Int64:
		return int64(0), true
	case tf.Bool:
		return false, true
	}
	return nil, false
}

func knownShape(shape []int64) bool {
	for _, d := range shape {
		if d < 0 {
			return false
		}
	}
	return true
}

// tensorName returns the graph name of a tensor, "<op name>:<index>".
func tensorName(o tf.Output) string { return fmt.Sprintf("%s:%d", o.Op.Name(), o.Index) }

// savedModel assembles the SavedModel proto of the finalized graph g: one MetaGraphDef tagged
// "serve" with g's GraphDef, the saver's SaverDef, the variables' collections and one
// SignatureDef per serving signature. Every name is taken from the graph objects.
func savedModel(g *tf.Graph, sg *serving.Graph, sv *tfops.Saver, vops []variableOps) (*pb.SavedModel, error) {
	gd, err := graphDef(g)
	if err != nil {
		return nil, err
	}
	vars, err := variableCollection(vops)
	if err != nil {
		return nil, err
	}
	sigs, err := signatureDefs(g, sg.Signatures)
	if err != nil {
		return nil, err
	}
	mg := &pb.MetaGraphDef{
		MetaInfoDef: &pb.MetaGraphDef_MetaInfoDef{Tags: []string{serveTag}, TensorflowVersion: tf.Version()},
		GraphDef:    gd,
		SaverDef: &pb.SaverDef{
			FilenameTensorName: tensorName(sv.Filename),
			SaveTensorName:     tensorName(sv.SaveTensor),
			RestoreOpName:      sv.RestoreAll.Name(),
			Version:            pb.SaverDef_V2,
		},
		CollectionDef: map[string]*pb.CollectionDef{globalVariables: vars, trainableVariables: vars},
		SignatureDef:  sigs,
	}
	return &pb.SavedModel{SavedModelSchemaVersion: savedModelSchemaVersion, MetaGraphs: []*pb.MetaGraphDef{mg}}, nil
}

// graphDef serializes g and gives every VarHandleOp its own node name as shared_name.
// tfops.NewVariable numbers shared names with a process-wide counter, which would make two
// exports of the same model differ; within one graph node names are unique, so the rewrite
// keeps every variable distinct (each loaded session has its own resources; Python's loader
// adds its own _load_N suffix).
func graphDef(g *tf.Graph) (*graph_go_proto.GraphDef, error) {
	var buf bytes.Buffer
	if _, err := g.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("serialize graph: %w", err)
	}
	gd := new(graph_go_proto.GraphDef)
	if err := proto.Unmarshal(buf.Bytes(), gd); err != nil {
		return nil, fmt.Errorf("parse GraphDef: %w", err)
	}
	for _, n := range gd.Node {
		if n.Op == varHandleOpType {
			if n.Attr == nil {
				n.Attr = map[string]*attr_value_go_proto.AttrValue{}
			}
			n.Attr[varHandleSharedNameField] = &attr_value_go_proto.AttrValue{
				Value: &attr_value_go_proto.AttrValue_S{S: []byte(n.Name)},
			}
		}
	}
	return gd, nil
}

// variableCollection returns the serialized VariableDefs of the variables, in order, as a
// bytes-list collection (what Python's tf.compat.v1 Saver and tf.saved_model.load read).
func variableCollection(vops []variableOps) (*pb.CollectionDef, error) {
	list := make([][]byte, len(vops))
	for i, vo := range vops {
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(&variable_go_proto.VariableDef{
			VariableName:     tensorName(vo.v.Handle),
			InitialValueName: tensorName(vo.initial),
			InitializerName:  vo.init.Name(),
			SnapshotName:     tensorName(vo.snapshot),
			IsResource:       true,
			Trainable:        true,
		})
		if err != nil {
			return nil, fmt.Errorf("marshal VariableDef %s: %w", vo.v.Name, err)
		}
		list[i] = b
	}
	return &pb.CollectionDef{Kind: &pb.CollectionDef_BytesList_{BytesList: &pb.CollectionDef_BytesList{Value: list}}}, nil
}

// signatureDefs converts the serving signatures, checking that each has outputs and that every
// tensor belongs to g.
func signatureDefs(g *tf.Graph, sigs map[string]serving.Signature) (map[string]*pb.SignatureDef, error) {
	if len(sigs) == 0 {
		return nil, fmt.Errorf("the serving graph has no signatures: %w", ErrArgument)
	}
	keys := make([]string, 0, len(sigs))
	for k := range sigs {
		keys = append(keys, k)
	}
	sort.Strings(keys) // report the first bad signature deterministically
	out := make(map[string]*pb.SignatureDef, len(sigs))
	for _, k := range keys {
		s := sigs[k]
		switch {
		case k == "" || k == initOpSignatureKey:
			return nil, fmt.Errorf("signature key %q is reserved or empty: %w", k, ErrArgument)
		case len(s.Outputs) == 0:
			return nil, fmt.Errorf("signature %q has no outputs: %w", k, ErrArgument)
		}
		in, err := tensorInfos(g, k, "input", s.Inputs)
		if err != nil {
			return nil, err
		}
		outs, err := tensorInfos(g, k, "output", s.Outputs)
		if err != nil {
			return nil, err
		}
		out[k] = &pb.SignatureDef{Inputs: in, Outputs: outs, MethodName: predictMethod}
	}
	return out, nil
}

func tensorInfos(g *tf.Graph, sig, what string, ts map[string]tf.Output) (map[string]*pb.TensorInfo, error) {
	out := make(map[string]*pb.TensorInfo, len(ts))
	for name, t := range ts {
		switch {
		case name == "":
			return nil, fmt.Errorf("signature %q has an %s with an empty name: %w", sig, what, ErrArgument)
		case t.Op == nil:
			return nil, fmt.Errorf("signature %q %s %q is a zero tf.Output: %w", sig, what, name, ErrArgument)
		case g.Operation(t.Op.Name()) == nil:
			return nil, fmt.Errorf("signature %q %s %q (%s) is not in the serving graph: %w", sig, what, name, t.Op.Name(), ErrArgument)
		}
		out[name] = &pb.TensorInfo{
			Encoding:    &pb.TensorInfo_Name{Name: tensorName(t)},
			Dtype:       types_go_proto.DataType(t.DataType()),
			TensorShape: shapeProto(t.Shape()),
		}
	}
	return out, nil
}

// shapeProto converts a static shape; unknown dimensions stay -1.
func shapeProto(s tf.Shape) *tensor_shape_go_proto.TensorShapeProto {
	n := s.NumDimensions()
	if n < 0 {
		return &tensor_shape_go_proto.TensorShapeProto{UnknownRank: true}
	}
	p := &tensor_shape_go_proto.TensorShapeProto{Dim: make([]*tensor_shape_go_proto.TensorShapeProto_Dim, n)}
	for i := range n {
		p.Dim[i] = &tensor_shape_go_proto.TensorShapeProto_Dim{Size: s.Size(i)}
	}
	return p
}

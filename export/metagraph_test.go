package export

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/core/framework/node_def_go_proto"
	"github.com/galeone/tensorflow/tensorflow/go/core/framework/variable_go_proto"
	pb "github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"
	"google.golang.org/protobuf/proto"

	"github.com/boltzmann-go/boltzmann/rbm"
)

func readSavedModel(t *testing.T, dir string) (*pb.SavedModel, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, savedModelFile))
	if err != nil {
		t.Fatal(err)
	}
	sm := new(pb.SavedModel)
	if err := proto.Unmarshal(b, sm); err != nil {
		t.Fatal(err)
	}
	return sm, b
}

// TestDeterministic exports the same model twice, and an identical model built separately,
// and checks that the files are byte for byte the same.
func TestDeterministic(t *testing.T) {
	base := t.TempDir()
	var dirs []string
	for v := range int64(2) {
		d, err := Write(base, "m", v+1, untrained(t, tf.Double), nil) // a new, identical model each time
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	d, err := Write(base, "m", 3, untrained(t, tf.Double), nil)
	if err != nil {
		t.Fatal(err)
	}
	dirs = append(dirs, d)
	for _, f := range []string{savedModelFile, "variables/variables.index", "variables/variables.data-00000-of-00001"} {
		want, err := os.ReadFile(filepath.Join(dirs[0], f))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dirs[1:] {
			got, err := os.ReadFile(filepath.Join(d, f))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs between two exports of the same model (%d vs %d bytes)", f, len(got), len(want))
			}
		}
	}
}

// TestMetaGraphContents checks the SavedModel proto: schema version, tags, TF version, and
// that every name in the SaverDef, the VariableDefs and the SignatureDefs names a node of the
// GraphDef of the right type.
func TestMetaGraphContents(t *testing.T) {
	dir, err := Write(t.TempDir(), "m", 1, untrained(t, tf.Float), nil)
	if err != nil {
		t.Fatal(err)
	}
	sm, _ := readSavedModel(t, dir)
	if sm.SavedModelSchemaVersion != 1 || len(sm.MetaGraphs) != 1 {
		t.Fatalf("schema version %d, %d meta graphs; want 1 and 1", sm.SavedModelSchemaVersion, len(sm.MetaGraphs))
	}
	mg := sm.MetaGraphs[0]
	if !slices.Equal(mg.MetaInfoDef.GetTags(), []string{"serve"}) || mg.MetaInfoDef.GetTensorflowVersion() != tf.Version() {
		t.Errorf("meta info: tags %v, TF %q; want [serve], %q", mg.MetaInfoDef.GetTags(), mg.MetaInfoDef.GetTensorflowVersion(), tf.Version())
	}
	nodes := map[string]*node_def_go_proto.NodeDef{}
	for _, n := range mg.GraphDef.GetNode() {
		nodes[n.Name] = n
	}
	opOf := func(tensor string) string {
		name, _, _ := strings.Cut(tensor, ":")
		if n := nodes[name]; n != nil {
			return n.Op
		}
		return "(missing)"
	}
	sd := mg.SaverDef
	if sd.GetVersion() != pb.SaverDef_V2 || opOf(sd.GetFilenameTensorName()) != "Placeholder" ||
		opOf(sd.GetSaveTensorName()) != "Identity" || opOf(sd.GetRestoreOpName()) != "NoOp" || strings.Contains(sd.GetRestoreOpName(), ":") {
		t.Errorf("SaverDef %v: filename %s, save %s, restore %s", sd, opOf(sd.GetFilenameTensorName()), opOf(sd.GetSaveTensorName()), opOf(sd.GetRestoreOpName()))
	}
	for _, key := range []string{"variables", "trainable_variables"} {
		list := mg.CollectionDef[key].GetBytesList().GetValue()
		if len(list) != 3 {
			t.Fatalf("collection %q has %d entries, want 3", key, len(list))
		}
		for _, b := range list {
			vd := new(variable_go_proto.VariableDef)
			if err := proto.Unmarshal(b, vd); err != nil {
				t.Fatal(err)
			}
			if !vd.IsResource || !vd.Trainable || opOf(vd.VariableName) != "VarHandleOp" || opOf(vd.InitializerName) != "AssignVariableOp" ||
				opOf(vd.SnapshotName) != "ReadVariableOp" || opOf(vd.InitialValueName) != "Fill" {
				t.Errorf("VariableDef %v: ops %s, %s, %s, %s", vd, opOf(vd.VariableName), opOf(vd.InitializerName), opOf(vd.SnapshotName), opOf(vd.InitialValueName))
			}
		}
	}
	for _, n := range mg.GraphDef.GetNode() {
		if n.Op == "VarHandleOp" && string(n.Attr["shared_name"].GetS()) != n.Name {
			t.Errorf("VarHandleOp %s has shared_name %q, want its node name", n.Name, n.Attr["shared_name"].GetS())
		}
	}
	for key, sig := range mg.SignatureDef {
		for name, ti := range sig.Inputs {
			if op := opOf(ti.GetName()); op != "Placeholder" {
				t.Errorf("signature %s input %s is a %s, want a Placeholder", key, name, op)
			}
		}
		for name, ti := range sig.Outputs {
			if op := opOf(ti.GetName()); op == "(missing)" {
				t.Errorf("signature %s output %s: no node %s", key, name, ti.GetName())
			}
		}
	}
}

// TestSampleSteps checks that Options.SampleSteps reaches BuildServing: the sample signature
// and complete signatures of a Bernoulli RBM draw twice per Gibbs step each.
func TestSampleSteps(t *testing.T) {
	base := t.TempDir()
	m := untrained(t, tf.Float)
	for _, tc := range []struct {
		steps, want int
	}{{3, 12}, {0, 4 * rbm.ServingSteps}} {
		dir, err := Write(base, "m", int64(tc.steps+1), m, &Options{SampleSteps: tc.steps})
		if err != nil {
			t.Fatal(err)
		}
		sm, _ := readSavedModel(t, dir)
		n := 0
		for _, node := range sm.MetaGraphs[0].GraphDef.GetNode() {
			if node.Op == "StatelessRandomUniform" {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("SampleSteps %d: %d random draws in the graph, want %d", tc.steps, n, tc.want)
		}
	}
}

package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
	"google.golang.org/protobuf/proto"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/export/serving"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// A Model is what Write needs: anything that can build its serving graph into a scope.
// BuildServing adds the model's parameters as variables (with their trained values) and its
// signatures to s; steps is the number of Gibbs steps a sampling signature unrolls (≤ 0: the
// model's default). *rbm.RBM, *dbm.DBM and *mlp.MLP are Models.
type Model interface {
	BuildServing(s *op.Scope, o serving.Options) (*serving.Graph, error)
}

// Options configure Write. A nil *Options is the zero value.
type Options struct {
	// Overwrite replaces an existing version directory. Default false: Write refuses with an
	// error wrapping ErrExists.
	Overwrite bool
	// SampleSteps is passed to BuildServing: the Gibbs steps of the "sample" signature.
	// Zero means the model's default; negative values are an error.
	SampleSteps int
	// Standardizer, if set, is the standardization the model was trained behind: the export
	// then takes raw data (see serving.Options).
	Standardizer *dataset.Standardizer
}

// Write exports m as a TF1-style SavedModel into <base>/<name>/<version>/ (the layout TF
// Serving expects; version ≥ 1) and returns that directory. The directory holds
// saved_model.pb (one MetaGraphDef tagged "serve", with a SaverDef, the "variables" and
// "trainable_variables" collections and one SignatureDef per serving signature, method
// "tensorflow/serving/predict") and variables/variables.{index,data-00000-of-00001}, a TF
// checkpoint of the trained values. TF Serving, tf.saved_model.load, tf.LoadSavedModel and
// saved_model_cli read it.
//
// The write is atomic: everything is built and synced in a hidden directory beside the
// target, <base>/<name>/.tmp-<version>-<random>, which TF Serving ignores because its name is
// not an integer, and then renamed to <version>. A crash therefore leaves either no version
// directory or a complete one (plus, possibly, a .tmp- directory that may be deleted when no
// export is running). Without Options.Overwrite an existing version is an error wrapping
// ErrExists. With it, the old version is renamed to .old-<version>-<random>, the new one is
// renamed in, and the old one is deleted; a crash between the two renames leaves no
// <version> directory, with the old version in .old-… and the new one in .tmp-… (rename
// either back to <version> by hand). Two Writes of the same version at the same time are not
// supported.
//
// Bad arguments (empty base, a name that is empty, "." or ".." or holds a path separator,
// version < 1, a nil model, negative SampleSteps) give errors wrapping ErrArgument.
func Write(base, name string, version int64, m Model, opts *Options) (string, error) {
	if opts == nil {
		opts = &Options{}
	}
	if err := checkArgs(base, name, version, m, opts); err != nil {
		return "", err
	}
	what := fmt.Sprintf("export: write %s version %d", name, version)
	parent := filepath.Join(base, name)
	final := filepath.Join(parent, strconv.FormatInt(version, 10))
	if !opts.Overwrite {
		if _, err := os.Lstat(final); err == nil {
			return "", fmt.Errorf("%s: %s: %w", what, final, ErrExists)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%s: %w", what, err)
		}
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	recoverInterrupted(parent)
	tmp, err := os.MkdirTemp(parent, fmt.Sprintf("%s%d-", tmpPrefix, version))
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	installed := false
	defer func() {
		if !installed {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it 0700; servers may run as another user
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if err := writeSavedModel(tmp, m, serving.Options{Steps: opts.SampleSteps, Standardizer: opts.Standardizer}); err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if err := syncTree(tmp); err != nil {
		return "", fmt.Errorf("%s: sync: %w", what, err)
	}
	if err := install(tmp, final, parent, version, opts.Overwrite); err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	installed = true
	return final, nil
}

// checkArgs validates Write's arguments.
func checkArgs(base, name string, version int64, m Model, opts *Options) error {
	if err := checkBase(base); err != nil {
		return err
	}
	if err := checkName(name); err != nil {
		return err
	}
	if version < 1 {
		return fmt.Errorf("export: version %d, want ≥ 1: %w", version, ErrArgument)
	}
	if m == nil {
		return fmt.Errorf("export: nil model: %w", ErrArgument)
	}
	switch v := reflect.ValueOf(m); v.Kind() { // a typed nil would panic in BuildServing
	case reflect.Pointer, reflect.Func, reflect.Map, reflect.Slice, reflect.Chan, reflect.Interface:
		if v.IsNil() {
			return fmt.Errorf("export: nil model (%T): %w", m, ErrArgument)
		}
	}
	if opts.SampleSteps < 0 {
		return fmt.Errorf("export: SampleSteps %d, want ≥ 0: %w", opts.SampleSteps, ErrArgument)
	}
	return nil
}

// writeSavedModel builds m's serving graph in a fresh graph, writes its variables' values as
// the checkpoint dir/variables/variables and the SavedModel proto as dir/saved_model.pb.
func writeSavedModel(dir string, m Model, o serving.Options) error {
	s := op.NewScope()
	sg, err := m.BuildServing(s, o)
	if err != nil {
		return fmt.Errorf("build serving graph: %w", err)
	}
	if err := checkServing(sg); err != nil {
		return err
	}
	sv := tfops.NewSaver(s, sg.Variables)
	vops := addVariableOps(s.SubScope("export"), sg.Variables)
	g, err := s.Finalize()
	if err != nil {
		return fmt.Errorf("build serving graph: %w", err)
	}
	sm, err := savedModel(g, sg, sv, vops)
	if err != nil {
		return err
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(sm)
	if err != nil {
		return fmt.Errorf("marshal SavedModel: %w", err)
	}
	if err := saveVariables(g, sv, sg, filepath.Join(dir, variablesDir, variablesPrefix)); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, savedModelFile), b, 0o644); err != nil {
		return err
	}
	return nil
}

// saveVariables gives the serving variables their values in a session on g and saves them.
func saveVariables(g *tf.Graph, sv *tfops.Saver, sg *serving.Graph, prefix string) error {
	sess, err := tfops.NewSession(g, nil)
	if err != nil {
		return err
	}
	defer sess.Close()
	if err := tfops.InitVariables(sess, sg.Variables, sg.Values); err != nil {
		return err
	}
	if err := sv.Save(sess, prefix); err != nil {
		return err
	}
	return sess.Close()
}

// checkServing reports a serving graph that cannot be exported.
func checkServing(sg *serving.Graph) error {
	if sg == nil {
		return fmt.Errorf("BuildServing returned no serving graph: %w", ErrArgument)
	}
	if len(sg.Variables) != len(sg.Values) {
		return fmt.Errorf("serving graph has %d variables and %d values: %w", len(sg.Variables), len(sg.Values), ErrArgument)
	}
	for i, v := range sg.Variables {
		t := sg.Values[i]
		switch {
		case v == nil:
			return fmt.Errorf("serving variable %d is nil: %w", i, ErrArgument)
		case t == nil:
			return fmt.Errorf("serving variable %s has no value: %w", v.Name, ErrArgument)
		case t.DataType() != v.DType:
			return fmt.Errorf("serving variable %s is %s, its value %s: %w", v.Name,
				tfops.DTypeName(v.DType), tfops.DTypeName(t.DataType()), ErrArgument)
		case !shapeFits(v.Shape, t.Shape()):
			return fmt.Errorf("serving variable %s has shape %v, its value %v: %w", v.Name, v.Shape, t.Shape(), ErrArgument)
		}
	}
	return nil
}

// shapeFits reports whether a value's shape matches a variable's (−1 matches any size).
func shapeFits(want, got []int64) bool {
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if want[i] >= 0 && want[i] != got[i] {
			return false
		}
	}
	return true
}

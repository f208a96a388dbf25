package tfops

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// KernelsEnv names the environment variable that chooses boltzmann-go's own TensorFlow kernels
// (tfops/kernels/*.cc, built by `make deps`): a path to the library, or "off" to use standard
// ops only. Unset, the library is looked for at $BOLTZMANN_TF_DIR/kernels/KernelsFile (where
// `make deps` puts it; `make env` exports BOLTZMANN_TF_DIR). Either way the results are the
// same bit for bit: the kernels fuse work, they do not change it.
const KernelsEnv = "BOLTZMANN_KERNELS"

// KernelsFile is the file name of the kernels' library.
const KernelsFile = "libboltzmann_kernels.so"

var kernels struct {
	once sync.Once
	lib  *tf.LibraryHandler
	path string
	err  error
}

// LoadKernels loads boltzmann-go's kernels from path into this process's TensorFlow, for
// programs that keep the library elsewhere than KernelsEnv's default. It must be called before
// any model is built; it returns an error if the kernels are already loaded from another path or
// the file does not load (a library built for another TensorFlow version, say).
func LoadKernels(path string) error {
	done := false
	kernels.once.Do(func() {
		done = true
		kernels.path = path
		kernels.lib, kernels.err = loadKernels(path)
	})
	if !done && kernels.path != path {
		return fmt.Errorf("tfops: kernels already chosen (%q); cannot load %s", kernels.path, path)
	}
	return kernels.err
}

// KernelsLoaded reports whether boltzmann-go's kernels are loaded, loading them on first call as
// KernelsEnv says; it returns the library's path, or the reason they are not used.
func KernelsLoaded() (path string, err error) {
	kernels.once.Do(func() {
		p := os.Getenv(KernelsEnv)
		switch {
		case p == "off":
			kernels.err = errors.New(KernelsEnv + "=off")
			return
		case p == "": // the default place
			dir := os.Getenv("BOLTZMANN_TF_DIR")
			if dir == "" {
				kernels.err = errors.New("BOLTZMANN_TF_DIR and " + KernelsEnv + " are unset")
				return
			}
			p = filepath.Join(dir, "kernels", KernelsFile)
			if _, err := os.Stat(p); err != nil {
				kernels.err = fmt.Errorf("no kernels library: %w", err)
				return
			}
		}
		kernels.path = p
		kernels.lib, kernels.err = loadKernels(p)
	})
	if kernels.lib == nil {
		return "", kernels.err
	}
	return kernels.path, nil
}

// KernelsExpected reports whether this machine is meant to have boltzmann-go's kernels: not
// with KernelsEnv=off, nor where `make deps` could not build them (it then leaves a note,
// $BOLTZMANN_TF_DIR/kernels/SKIPPED, whose text is returned as why). Where they are expected
// but KernelsLoaded fails, the set-up is broken.
func KernelsExpected() (ok bool, why string) {
	if os.Getenv(KernelsEnv) == "off" {
		return false, KernelsEnv + "=off"
	}
	if dir := os.Getenv("BOLTZMANN_TF_DIR"); dir != "" {
		if note, err := os.ReadFile(filepath.Join(dir, "kernels", "SKIPPED")); err == nil {
			return false, "kernels not built here: " + strings.TrimSpace(string(note))
		}
	}
	return true, ""
}

// HasKernels reports whether boltzmann-go's kernels can be used. A library named by KernelsEnv
// that fails to load is reported by KernelsLoaded; HasKernels is then false and graphs use
// standard ops.
func HasKernels() bool {
	_, err := KernelsLoaded()
	return err == nil
}

func loadKernels(path string) (*tf.LibraryHandler, error) {
	lib, err := tf.LoadLibrary(path)
	if err != nil {
		return nil, fmt.Errorf("tfops: loading kernels: %w", err)
	}
	return lib, nil
}

// MomentumStep adds one classical-momentum step with weight decay, fused into one pass over the
// parameters (op BoltzmannMomentumStep of tfops/kernels/momentum_step.cc):
//
//	g′ = grad − decay·v (grad when decay is 0);  Δ′ = Δ·momentum − g′·negLR;  v′ = v + Δ′
//
// It returns v′ and Δ′. negLR is the negated learning rate, as TensorFlow's
// ResourceApplyKerasMomentum takes it; the results equal bit for bit those of an L2 op followed by
// that op. decay is a constant of v's dtype. Call it only when HasKernels is true.
func MomentumStep(s *op.Scope, v, accum, grad, negLR, momentum tf.Output, decay float64) (newV, newAccum tf.Output) {
	if s.Err() != nil {
		return
	}
	d := Scalar(s.SubScope("decay"), decay, v.DataType())
	o := s.AddOperation(tf.OpSpec{
		Type:  "BoltzmannMomentumStep",
		Input: []tf.Input{v, accum, grad, negLR, momentum, d},
	})
	return o.Output(0), o.Output(1)
}

package export

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/rbm"
)

// crashHelperEnv, when set to a directory, makes the test binary run crashHelper instead of
// the tests (see TestMain).
const crashHelperEnv = "BOLTZMANN_EXPORT_CRASH_HELPER"

// crashHelper exports a model under <base>/m in a loop, each time a new version followed by
// an overwrite of that version, until it is killed (or after 60 s, so that it cannot
// outlive a test that died). It prints "ready" once the model is built and "wrote" after
// each export.
func crashHelper(base string) int {
	m, err := rbm.New(rbm.Config{NumVisible: 6, NumHidden: 3, DType: tf.Float, Seed: 1, WeightStd: 0.5})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("ready")
	for start := time.Now(); time.Since(start) < time.Minute; {
		v, err := NextVersion(base, "m")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		for _, o := range []*Options{nil, {Overwrite: true}} {
			if _, err := Write(base, "m", v, m, o); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			fmt.Println("wrote")
		}
	}
	return 0
}

// TestCrashSafety kills an exporting process with SIGKILL at random moments and checks that
// every version directory left behind is complete and loads, and that no incomplete
// directory has an integer name.
func TestCrashSafety(t *testing.T) {
	base := t.TempDir()
	r := rand.New(rand.NewPCG(2024, 1)) // fixed seed: the same kill delays every run
	const rounds = 8
	for i := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashHelperEnv+"="+base)
		var stderr bytes.Buffer // TensorFlow's start-up chatter; shown only on failure
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Read the helper's lines until it dies: "ready", then "wrote" after each export.
		ready, wrote, done := make(chan bool, 1), make(chan bool, 1), make(chan bool)
		go func() {
			defer close(done)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				c := wrote
				if sc.Text() == "ready" {
					c = ready
				}
				select {
				case c <- true:
				default:
				}
			}
		}()
		// Round 0 waits for a first complete export, so that there is always one to check even
		// on a slow machine; every round kills at a random moment after the helper is ready.
		waitFor := []chan bool{ready}
		if i == 0 {
			waitFor = append(waitFor, wrote)
		}
		for _, c := range waitFor {
			select {
			case <-c:
			case <-done:
				cmd.Wait()
				t.Fatalf("round %d: the helper exited early\n%s", i, stderr.String())
			case <-time.After(2 * time.Minute):
				cmd.Process.Kill()
				<-done
				cmd.Wait()
				t.Fatalf("round %d: the helper did not start\n%s", i, stderr.String())
			}
		}
		delay := time.Duration(50+r.IntN(400)) * time.Millisecond
		time.Sleep(delay)
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		<-done // the pipe reaches EOF once the helper is dead; only then may Wait close it
		err = cmd.Wait()
		if err == nil || !strings.Contains(err.Error(), "killed") {
			t.Fatalf("round %d: helper ended with %v, want killed\n%s", i, err, stderr.String())
		}
		t.Logf("round %d: killed after %v; %s holds %v", i, delay, filepath.Join(base, "m"), listDir(t, filepath.Join(base, "m")))
	}

	dir := filepath.Join(base, "m")
	versions, broken, leftovers := 0, 0, 0
	for _, name := range listDir(t, dir) {
		path := filepath.Join(dir, name)
		if _, ok := parseVersion(name); !ok {
			if !strings.HasPrefix(name, tmpPrefix) && !strings.HasPrefix(name, oldPrefix) {
				t.Errorf("unexpected entry %s", path)
			}
			leftovers++
			continue
		}
		versions++
		if err := checkComplete(path); err != nil {
			broken++
			t.Errorf("version directory %s is incomplete: %v", path, err)
			continue
		}
		sm := load(t, path)
		x := untrainedInput(t)
		if got := run(t, sm, "serving_default", map[string]*tf.Tensor{"visible": x})["features"]; len(values(t, got)) != 2*3 {
			t.Errorf("%s: serving_default gave %v", path, got.Shape())
		}
	}
	t.Logf("%d version directories (%d incomplete), %d leftover work directories", versions, broken, leftovers)
	if versions == 0 {
		t.Fatal("the helper never finished an export: no version to check")
	}
	if next, err := NextVersion(base, "m"); err != nil || next < int64(versions)+1 {
		t.Errorf("NextVersion = %d, %v; want ≥ %d", next, err, versions+1)
	}
}

// untrainedInput is a 2×6 float32 batch for the crash helper's model.
func untrainedInput(t testing.TB) *tf.Tensor {
	t.Helper()
	x, err := tf.NewTensor([][]float32{{1, 0, 1, 0, 1, 0}, {0, 1, 0, 1, 0, 1}})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

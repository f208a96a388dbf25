package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogZCommand trains a tiny RBM, then bm logz gives its exact log Z and exact mean log p,
// and AIS (every base and schedule) agrees with them within hundredths of a nat.
func TestLogZCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 60, 3, 3)
	out := filepath.Join(dir, "rbm")
	if code := run([]string{"train", "-data", data, "-n-hidden", "5", "-epochs", "2", "-n-train", "50", "-n-val", "10", "-out", out, "-quiet"}); code != 0 {
		t.Fatalf("bm train exited %d", code)
	}
	read := func() logzResult {
		var r logzResult
		b, err := os.ReadFile(filepath.Join(out, "model", "logz.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if code := run([]string{"logz", "-model", out, "-method", "exact", "-data", data}); code != 0 {
		t.Fatalf("bm logz -method exact exited %d", code)
	}
	exact := read()
	if exact.MeanLogP == nil || *exact.MeanLogP >= 0 {
		t.Fatalf("exact: %+v, want a mean log p", exact)
	}
	for _, extra := range [][]string{{}, {"-base", "uniform"}, {"-base", "base-rate", "-schedule", "segments", "-sweeps", "2"}, {"-method", "both", "-burn-in", "200"}} {
		args := append([]string{"logz", "-model", out, "-betas", "1000", "-runs", "50", "-data", data, "-quiet"}, extra...)
		if code := run(args); code != 0 {
			t.Fatalf("bm logz %v exited %d", extra, code)
		}
		ais := read()
		if math.Abs(ais.LogZ-exact.LogZ) > 0.05 || ais.MeanBound == nil || math.Abs(*ais.MeanBound-*exact.MeanLogP) > 0.05 {
			t.Errorf("AIS %v: log Ẑ %.4f, bound %v; exact log Z %.4f, log p %.4f", extra, ais.LogZ, ais.MeanBound, exact.LogZ, *exact.MeanLogP)
		}
		if len(ais.SEM) != 2 || len(ais.Interval) != 2 {
			t.Errorf("AIS %v: intervals %v, %v", extra, ais.Interval, ais.SEM)
		}
		if len(extra) > 0 && extra[0] == "-method" && (ais.Reverse == nil || math.Abs(*ais.Reverse-exact.LogZ) > 0.05 || ais.BoundReverse == nil) {
			t.Errorf("both: reverse log Ẑ %v, bound %v; exact log Z %.4f", ais.Reverse, ais.BoundReverse, exact.LogZ)
		}
	}
	if ev, _ := filepath.Glob(filepath.Join(out, "model", "logs_logz", "events.out.tfevents.*")); len(ev) == 0 {
		t.Error("no TensorBoard events of bm logz")
	}
	for _, bad := range [][]string{{"-method", "mcmc"}, {"-method", "reverse"}, {"-burn-in", "-1"}, {"-betas", "0"}, {"-runs", "1"}, {"-sweeps", "0"}, {"-base", "data"}, {"-base", "base-rate"}, {"-schedule", "log"}, {"-binarize", "half"}, {"-binarize", "stochastic"}} {
		var code int
		msg := captureStderr(t, func() { code = run(append([]string{"logz", "-model", out}, bad...)) })
		if code != 2 || !strings.Contains(msg, bad[0]) {
			t.Errorf("bm logz %v: exit %d, %q; want 2 naming %s", bad, code, msg, bad[0])
		}
	}
}

// TestLogZReverseFromParticles trains a tiny DBM with bm dbm, then bm logz -method both
// -reverse-start particles brackets its exact log Z within hundredths of a nat, without -data;
// an RBM, which has no DBM particles, is refused with the flag named.
func TestLogZReverseFromParticles(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 60, 3, 3)
	out := filepath.Join(dir, "dbm")
	if code := run([]string{"dbm", "-data", data, "-n-hiddens", "4,3", "-rbm-epochs", "2,2", "-epochs", "2", "-n-particles", "20",
		"-n-train", "50", "-n-val", "10", "-ais-betas", "0", "-out", out, "-quiet"}); code != 0 {
		t.Fatalf("bm dbm exited %d", code)
	}
	model := filepath.Join(out, "dbm", "model")
	read := func() logzResult {
		var r logzResult
		b, err := os.ReadFile(filepath.Join(model, "logz.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if code := run([]string{"logz", "-model", model, "-method", "exact"}); code != 0 {
		t.Fatalf("bm logz -method exact exited %d", code)
	}
	exact := read().LogZ
	if code := run([]string{"logz", "-model", model, "-method", "both", "-reverse-start", "particles", "-betas", "1000", "-runs", "100", "-burn-in", "200", "-quiet"}); code != 0 {
		t.Fatalf("bm logz -reverse-start particles exited %d", code)
	}
	r := read()
	if r.Reverse == nil || math.Abs(*r.Reverse-exact) > 0.05 || math.Abs(r.LogZ-exact) > 0.05 || r.ReverseStart != "particles" || !(r.ReverseESS > 1) || !(r.ESS > 1) {
		t.Errorf("forward %.4f, reverse %v (start %q, ESS %.1f / %.1f); exact %.4f", r.LogZ, r.Reverse, r.ReverseStart, r.ESS, r.ReverseESS, exact)
	}
	if code := run([]string{"logz", "-model", filepath.Join(out, "rbm1", "model"), "-method", "reverse", "-reverse-start", "particles"}); code != 2 {
		t.Errorf("an RBM with -reverse-start particles: exit %d, want 2", code)
	}
	if code := run([]string{"logz", "-model", model, "-reverse-start", "model"}); code != 2 {
		t.Errorf("-reverse-start model: exit %d, want 2", code)
	}
}

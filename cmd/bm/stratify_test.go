package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// TestStratifyFlags: bm train and bm dbm take -stratify (off by default), bm rbm-mnist and bm
// dbm-mnist --stratify, bm few-label -stratify (on by default); data without labels is
// refused naming the flag.
func TestStratifyFlags(t *testing.T) {
	dir := t.TempDir()
	mnist := filepath.Join(dir, "mnist")
	writeMNIST28(t, mnist, 60, 12)
	bm(t, "train", "-data", mnist, "-n-train", "40", "-n-val", "20", "-n-hidden", "4", "-epochs", "1", "-metrics", "msre",
		"-samples", "0", "-stratify", "-out", filepath.Join(dir, "run"), "-quiet")
	npy := filepath.Join(dir, "x.npy")
	if err := dataset.WriteNPY(npy, dataset.NewMatrix[float32](30, 4)); err != nil {
		t.Fatal(err)
	}
	exitWith(t, 2, "flag -stratify", "train", "-data", npy, "-n-train", "20", "-n-val", "5", "-stratify", "-out", filepath.Join(dir, "npy"), "-quiet")
	for cmd, want := range map[string]string{
		"train":     "stratify\n",
		"dbm":       "stratify\n",
		"few-label": "(default true)",
		"rbm-mnist": "--stratify",
		"dbm-mnist": "--stratify",
	} {
		var stderr string // Go's flag package prints usage on stderr, the original's programs on stdout
		help := captureStdout(t, func() { stderr = captureStderr(t, func() { run([]string{cmd, "-h"}) }) })
		help += stderr
		i := strings.Index(help, "stratify")
		if i < 0 || !strings.Contains(help[i:], want) {
			t.Errorf("bm %s -h: no %q after its stratify flag", cmd, want)
		}
	}
}

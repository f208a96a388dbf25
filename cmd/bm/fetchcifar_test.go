package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFetchCIFARScript runs scripts/fetch-cifar.sh (make data-cifar) on a small archive of the
// official layout: a good archive is checked and unpacked, a corrupt one refused without
// touching the target, and an unreachable host named with what to do instead.
func TestFetchCIFARScript(t *testing.T) {
	script, _ := filepath.Abs("../../scripts/fetch-cifar.sh")
	names := []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, n := range append(names, "batches.meta.txt") {
		body := bytes.Repeat([]byte{7}, 2*3073)
		tw.WriteHeader(&tar.Header{Name: "cifar-10-batches-bin/" + n, Mode: 0o644, Size: int64(len(body))})
		tw.Write(body)
	}
	tw.Close()
	zw.Close()
	archive := buf.Bytes()
	env := func(sum []byte, size int) []string {
		return append(os.Environ(), "CIFAR_URL=file:///nonexistent/cifar.tar.gz", fmt.Sprintf("CIFAR_MD5=%x", sum),
			fmt.Sprintf("CIFAR_SIZE=%d", size), "CIFAR_RECORDS=2")
	}
	fetch := func(dir string, env []string) (string, error) {
		cmd := exec.Command("bash", script, dir)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	good := t.TempDir()
	os.WriteFile(filepath.Join(good, "cifar-10-binary.tar.gz"), archive, 0o644)
	sum := md5.Sum(archive)
	if out, err := fetch(good, env(sum[:], len(archive))); err != nil {
		t.Fatalf("good archive: %v\n%s", err, out)
	}
	for _, n := range names {
		if st, err := os.Stat(filepath.Join(good, "cifar-10-batches-bin", n)); err != nil || st.Size() != 2*3073 {
			t.Errorf("%s not unpacked: %v", n, err)
		}
	}
	if out, err := fetch(good, env(sum[:], len(archive))); err != nil || !strings.Contains(out, "nothing to do") {
		t.Errorf("second run: %v, %s; want nothing to do", err, out)
	}

	bad := t.TempDir()
	corrupt := append([]byte(nil), archive...)
	corrupt[100] ^= 1
	os.WriteFile(filepath.Join(bad, "cifar-10-binary.tar.gz"), corrupt, 0o644)
	if out, err := fetch(bad, env(sum[:], len(archive))); err == nil || !strings.Contains(out, "MD5") {
		t.Errorf("corrupt archive: %v, %s; want a refusal naming the MD5", err, out)
	}
	if _, err := os.Stat(filepath.Join(bad, "cifar-10-batches-bin")); err == nil {
		t.Error("corrupt archive: batch files were unpacked")
	}

	if out, err := fetch(t.TempDir(), env(sum[:], len(archive))); err == nil || !strings.Contains(out, "could not download") || !strings.Contains(out, "cifar-10-binary.tar.gz") {
		t.Errorf("unreachable host: %v, %s; want what to do instead", err, out)
	}
}

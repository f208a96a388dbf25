package dataset

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestIDXRoundTrip(t *testing.T) {
	pix := seq(3*2*4, 7, 11) // 3 images of 2×4, all bytes distinct mod 256
	labels := []byte{9, 0, 4}
	imgFile := encodeIDX(idxUint8, []uint32{3, 2, 4}, pix)
	lblFile := encodeIDX(idxUint8, []uint32{3}, labels)
	for _, tc := range []struct {
		name     string
		compress bool
		suffix   string
	}{
		{"raw", false, ""},
		{"gzip", true, ".gz"},
		{"gzip without .gz name", true, ""},
		{"raw with .gz name", false, ".gz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ib, lb := imgFile, lblFile
			if tc.compress {
				ib, lb = gzipBytes(t, ib), gzipBytes(t, lb)
			}
			ip := writeFile(t, dir, "img"+tc.suffix, ib)
			lp := writeFile(t, dir, "lbl"+tc.suffix, lb)
			im, err := ReadIDXImages(ip)
			if err != nil {
				t.Fatalf("ReadIDXImages: %v", err)
			}
			if im.N != 3 || im.Height != 2 || im.Width != 4 || im.Channels != 1 || !bytes.Equal(im.Pix, pix) {
				t.Errorf("ReadIDXImages = N%d %d×%d×%d %v, want N3 2×4×1 %v", im.N, im.Height, im.Width, im.Channels, im.Pix, pix)
			}
			got, err := ReadIDXLabels(lp)
			if err != nil {
				t.Fatalf("ReadIDXLabels: %v", err)
			}
			if !slices.Equal(got, ints(labels)) {
				t.Errorf("ReadIDXLabels = %v, want %v", got, labels)
			}
		})
	}
}

func TestDecodeIDXFromReader(t *testing.T) {
	pix := seq(2*3*3, 1, 3)
	for _, b := range [][]byte{encodeIDX(idxUint8, []uint32{2, 3, 3}, pix), gzipBytes(t, encodeIDX(idxUint8, []uint32{2, 3, 3}, pix))} {
		im, err := DecodeIDXImages(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if im.N != 2 || im.Height != 3 || im.Width != 3 || !bytes.Equal(im.Pix, pix) {
			t.Errorf("DecodeIDXImages = %+v", im)
		}
	}
	l, err := DecodeIDXLabels(bytes.NewReader(encodeIDX(idxUint8, []uint32{0}, nil)))
	if err != nil || len(l) != 0 {
		t.Errorf("empty label file: %v, %v", l, err)
	}
}

// TestHugeHeaderDoesNotAllocate checks that a header claiming billions of
// items is rejected without allocating them, both when the size is known
// (a file) and when the data is streamed (a reader, gzip).
func TestHugeHeaderDoesNotAllocate(t *testing.T) {
	hdr := encodeIDX(idxUint8, []uint32{4_000_000_000, 28, 28}, seq(100, 0, 1)) // claims 3.1 TB
	dir := t.TempDir()
	path := writeFile(t, dir, "huge-idx3-ubyte", hdr)
	gz := gzipBytes(t, hdr)
	for _, tc := range []struct {
		name string
		read func() error
	}{
		{"file", func() error { _, err := ReadIDXImages(path); return err }},
		{"reader", func() error { _, err := DecodeIDXImages(bytes.NewReader(hdr)); return err }},
		{"gzip reader", func() error { _, err := DecodeIDXImages(bytes.NewReader(gz)); return err }},
		{"labels reader", func() error {
			_, err := DecodeIDXLabels(bytes.NewReader(encodeIDX(idxUint8, []uint32{0xFFFFFFFF}, nil)))
			return err
		}},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := tc.read()
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTruncated) {
			t.Errorf("%s: err = %v, want ErrTruncated", tc.name, err)
		}
		// readChunk (64 KiB) plus gzip and bufio state; far below the claim.
		if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
			t.Errorf("%s: allocated %d bytes for a lying header", tc.name, got)
		}
	}
}

func TestLoadMNISTSmall(t *testing.T) {
	dir := t.TempDir()
	trainPix, testPix := seq(4*28*28, 0, 1), seq(2*28*28, 100, 3)
	writeFile(t, dir, MNISTTrainImages, encodeIDX(idxUint8, []uint32{4, 28, 28}, trainPix))
	// Labels only as .gz, to check the fallback name.
	writeFile(t, dir, MNISTTrainLabels+".gz", gzipBytes(t, encodeIDX(idxUint8, []uint32{4}, []byte{5, 0, 4, 1})))
	writeFile(t, dir, MNISTTestImages+".gz", gzipBytes(t, encodeIDX(idxUint8, []uint32{2, 28, 28}, testPix)))
	writeFile(t, dir, MNISTTestLabels, encodeIDX(idxUint8, []uint32{2}, []byte{7, 2}))
	for _, tc := range []struct {
		train  bool
		pix    []byte
		labels []byte
	}{
		{true, trainPix, []byte{5, 0, 4, 1}},
		{false, testPix, []byte{7, 2}},
	} {
		im, l, err := LoadMNIST(dir, tc.train)
		if err != nil {
			t.Fatalf("LoadMNIST(train=%v): %v", tc.train, err)
		}
		if im.N != len(tc.labels) || im.Height != 28 || im.Width != 28 || !bytes.Equal(im.Pix, tc.pix) || !slices.Equal(l, ints(tc.labels)) {
			t.Errorf("LoadMNIST(train=%v) = N%d %d×%d labels %v", tc.train, im.N, im.Height, im.Width, l)
		}
	}
	if err := os.Remove(filepath.Join(dir, MNISTTestLabels)); err != nil {
		t.Fatal(err)
	}
	_, _, err := LoadMNIST(dir, false)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), MNISTTestLabels) || !strings.Contains(err.Error(), dir) {
		t.Errorf("LoadMNIST with a missing file: err = %v", err)
	}
}

// TestLoadMNISTReal checks the real files fetched by scripts/fetch-mnist.sh.
func TestLoadMNISTReal(t *testing.T) {
	dir := filepath.Join("..", "data", "mnist")
	if _, err := os.Stat(filepath.Join(dir, MNISTTrainImages)); err != nil {
		t.Skipf("real MNIST not present in %s (run scripts/fetch-mnist.sh): %v", dir, err)
	}
	for _, tc := range []struct {
		train bool
		n     int
	}{
		{true, 60000},
		{false, 10000},
	} {
		im, labels, err := LoadMNIST(dir, tc.train)
		if err != nil {
			t.Fatalf("LoadMNIST(train=%v): %v", tc.train, err)
		}
		if im.N != tc.n || im.Height != 28 || im.Width != 28 || im.Channels != 1 || len(labels) != tc.n {
			t.Errorf("LoadMNIST(train=%v) = N%d %d×%d×%d, %d labels; want %d 28×28×1", tc.train, im.N, im.Height, im.Width, im.Channels, len(labels), tc.n)
		}
		var count [10]int
		for _, l := range labels {
			count[l]++ // LoadMNIST guarantees l ≤ 9
		}
		for d, c := range count {
			// Every digit has between 892 (5s in t10k) and 6742 (1s in
			// train) examples in the published sets.
			if c < tc.n/12 || c > tc.n/8 {
				t.Errorf("train=%v: digit %d has %d examples", tc.train, d, c)
			}
		}
		var maxPix uint8
		for _, p := range im.Pix {
			maxPix = max(maxPix, p)
		}
		if maxPix != 255 {
			t.Errorf("train=%v: max pixel %d, want 255", tc.train, maxPix)
		}
	}
}

func TestReadIDXLabeled(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "img")
	lbl := filepath.Join(dir, "lbl")
	// 3 images of 1×1, and labels 0, 4, 7.
	os.WriteFile(img, []byte{0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 1, 10, 20, 30}, 0o644)
	os.WriteFile(lbl, []byte{0, 0, 8, 1, 0, 0, 0, 3, 0, 4, 7}, 0o644)
	if im, l, err := ReadIDXLabeled(img, lbl, 10); err != nil || im.N != 3 || l[2] != 7 {
		t.Fatalf("ReadIDXLabeled = %v, %v, %v", im, l, err)
	}
	if _, _, err := ReadIDXLabeled(img, lbl, 5); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "label 2 is 7") {
		t.Errorf("5 classes: %v, want label 2 named as out of range", err)
	}
	os.WriteFile(lbl, []byte{0, 0, 8, 1, 0, 0, 0, 2, 0, 4}, 0o644)
	if _, _, err := ReadIDXLabeled(img, lbl, 10); !errors.Is(err, ErrShape) || !strings.Contains(err.Error(), "2 labels") {
		t.Errorf("2 labels for 3 images: %v, want ErrShape", err)
	}
	if _, _, err := ReadIDXLabeled(img, lbl, 0); !errors.Is(err, ErrArgument) {
		t.Errorf("0 classes: %v, want ErrArgument", err)
	}
}

package tfevents

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeSample writes a file with a scalar, a histogram and an image
// event and returns its path and the byte offset of each record.
func writeSample(t *testing.T) (string, []int64) {
	t.Helper()
	w := newTestWriter(t)
	if err := w.Scalar("s", 1, 2); err != nil {
		t.Fatal(err)
	}
	if err := w.Histogram("h", 2, []float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := w.Scalar("s", 3, 4); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(w.Path())
	if err != nil {
		t.Fatal(err)
	}
	var offsets []int64
	for off := int64(0); off < int64(len(b)); {
		offsets = append(offsets, off)
		n := int64(b[off]) | int64(b[off+1])<<8 // records here are < 64 KiB
		off += headerLen + n + footerLen
	}
	if len(offsets) != 4 {
		t.Fatalf("%d records, want 4", len(offsets))
	}
	return w.Path(), offsets
}

// mustFailAt checks that ReadFile fails with target, naming the file and
// the record offset, and returns the events before it.
func mustFailAt(t *testing.T, path string, target error, off int64, wantEvents int) {
	t.Helper()
	events, err := ReadFile(path)
	if !errors.Is(err, target) {
		t.Fatalf("ReadFile = %v, want %v", err, target)
	}
	msg := err.Error()
	if !strings.Contains(msg, path) || !strings.Contains(msg, fmt.Sprintf("offset %d:", off)) {
		t.Errorf("error %q does not name %s and offset %d", msg, path, off)
	}
	if len(events) != wantEvents {
		t.Errorf("%d events before the error, want %d", len(events), wantEvents)
	}
}

func TestReadFileCorrupt(t *testing.T) {
	for _, tc := range []struct {
		name string
		pos  func(off, next int64) int64 // byte to flip in the record at off
	}{
		{"length", func(off, next int64) int64 { return off + 1 }},
		{"length crc", func(off, next int64) int64 { return off + 9 }},
		{"data", func(off, next int64) int64 { return off + headerLen + 3 }},
		{"data crc", func(off, next int64) int64 { return next - 2 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, offsets := writeSample(t)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// Corrupt the third record (the histogram).
			b[tc.pos(offsets[2], offsets[3])] ^= 0x40
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			mustFailAt(t, path, ErrCorrupt, offsets[2], 2)
		})
	}
}

func TestReadFileTruncated(t *testing.T) {
	path, offsets := writeSample(t)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	last := offsets[3]
	for _, cut := range []int64{last + 1, last + headerLen - 1, last + headerLen, last + headerLen + 2, int64(len(b)) - 1} {
		t.Run(fmt.Sprint(cut), func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "cut.tfevents")
			if err := os.WriteFile(p, b[:cut], 0o644); err != nil {
				t.Fatal(err)
			}
			mustFailAt(t, p, ErrTruncated, last, 3)
		})
	}
	// Cutting exactly at a record boundary loses events silently, as in
	// TensorFlow; the file is still valid.
	p := filepath.Join(t.TempDir(), "boundary.tfevents")
	if err := os.WriteFile(p, b[:last], 0o644); err != nil {
		t.Fatal(err)
	}
	if events, err := ReadFile(p); err != nil || len(events) != 3 {
		t.Errorf("ReadFile at boundary = %d events, %v; want 3, nil", len(events), err)
	}
}

func TestReadFileMissing(t *testing.T) {
	if _, err := ReadFile(filepath.Join(t.TempDir(), "nope")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadFile(missing) = %v, want ErrNotExist", err)
	}
}

func TestReadTensorBoardFile(t *testing.T) {
	// testdata/tensorboard-2.21.0.tfevents was written by tensorboard
	// 2.21.0's summary/writer/event_file_writer.EventFileWriter: its
	// file-version event, scalars "loss" = 0.5, 0.25, -1.5 at steps 0..2
	// with wall times 1700000000+step, and a histogram "w" at step 10.
	events, err := ReadFile(filepath.Join("testdata", "tensorboard-2.21.0.tfevents"))
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 5 {
		t.Fatalf("%d events, want 5", len(events))
	}
	if events[0].FileVersion != "brain.Event:2" {
		t.Errorf("file version %q, want brain.Event:2", events[0].FileVersion)
	}
	for i, want := range []float32{0.5, 0.25, -1.5} {
		e := events[1+i]
		val := onlyValue(t, e)
		if e.Step != int64(i) || e.WallTime != 1700000000+float64(i) || val.Tag != "loss" || val.GetSimpleValue() != want {
			t.Errorf("event %d = step %d wall %f %q=%g, want step %d loss=%g", i, e.Step, e.WallTime, val.Tag, val.GetSimpleValue(), i, want)
		}
	}
	h := onlyValue(t, events[4]).GetHisto()
	if events[4].Step != 10 || h == nil || h.Num != 3 || h.Sum != 1 || len(h.Bucket) != 4 || h.Bucket[2] != 2 {
		t.Errorf("histogram event = step %d %v", events[4].Step, h)
	}
}

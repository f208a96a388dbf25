package tfevents

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/galeone/tensorflow/tensorflow/go/core/framework/summary_go_proto"
)

// newTestWriter returns a Writer in a fresh directory and closes it at
// the end of the test.
func newTestWriter(t *testing.T) *Writer {
	t.Helper()
	w, err := NewWriter(filepath.Join(t.TempDir(), "run", "a"))
	if err != nil {
		t.Fatalf("NewWriter: %v", err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// readBack closes w and reads its file.
func readBack(t *testing.T, w *Writer) []Event {
	t.Helper()
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	events, err := ReadFile(w.Path())
	if err != nil {
		t.Fatalf("ReadFile: %v", err)
	}
	return events
}

// onlyValue returns the single summary value of e.
func onlyValue(t *testing.T, e Event) *summary_go_proto.Summary_Value {
	t.Helper()
	if e.Summary == nil || len(e.Summary.Value) != 1 {
		t.Fatalf("event at step %d has summary %v, want one value", e.Step, e.Summary)
	}
	return e.Summary.Value[0]
}

func TestNewWriterFile(t *testing.T) {
	before := time.Now()
	w := newTestWriter(t)
	name := filepath.Base(w.Path())
	host, _ := os.Hostname()
	re := regexp.MustCompile(`^events\.out\.tfevents\.(\d+)\.` + regexp.QuoteMeta(host) + `$`)
	m := re.FindStringSubmatch(name)
	if m == nil {
		t.Fatalf("file name %q does not match %v", name, re)
	}
	if m[1] != fmt.Sprint(before.Unix()) && m[1] != fmt.Sprint(time.Now().Unix()) {
		t.Errorf("timestamp in %q is not the current time %d", name, before.Unix())
	}
	// The first event is on disk before any Flush.
	events, err := ReadFile(w.Path())
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 {
		t.Fatalf("%d events, want 1", len(events))
	}
	e := events[0]
	if e.FileVersion != "brain.Event:2" || e.Step != 0 || e.Summary != nil {
		t.Errorf("first event = %+v, want file_version brain.Event:2 only", e)
	}
	if d := e.WallTime - float64(before.UnixMicro())/1e6; d < 0 || d > 60 {
		t.Errorf("wall time %f is %f s from the test start", e.WallTime, d)
	}
}

func TestNewWriterSameSecond(t *testing.T) {
	dir := t.TempDir()
	clock := func() time.Time { return time.Unix(1700000000, 0) }
	var paths []string
	for i := 0; i < 3; i++ {
		w, err := newWriter(dir, clock)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Scalar("i", int64(i), float64(i)); err != nil {
			t.Fatal(err)
		}
		events := readBack(t, w)
		if len(events) != 2 || events[1].Step != int64(i) {
			t.Errorf("writer %d: events %v", i, events)
		}
		paths = append(paths, w.Path())
	}
	host, _ := os.Hostname()
	base := filepath.Join(dir, "events.out.tfevents.1700000000."+host)
	for i, want := range []string{base, base + ".1", base + ".2"} {
		if paths[i] != want {
			t.Errorf("path %d = %s, want %s", i, paths[i], want)
		}
	}
}

func TestNewWriterBadDir(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewWriter(filepath.Join(f, "sub")); err == nil {
		t.Error("NewWriter under a regular file succeeded, want error")
	}
}

func TestScalars(t *testing.T) {
	w := newTestWriter(t)
	want := []float64{0.5, -1.25, 3e-8, 1e30, math.NaN()}
	for i, v := range want {
		if err := w.Scalar("train/loss", int64(10*i), v); err != nil {
			t.Fatal(err)
		}
	}
	events := readBack(t, w)
	if len(events) != 1+len(want) {
		t.Fatalf("%d events, want %d", len(events), 1+len(want))
	}
	for i, v := range want {
		e := events[1+i]
		val := onlyValue(t, e)
		got := val.GetSimpleValue()
		if e.Step != int64(10*i) || val.Tag != "train/loss" ||
			!(got == float32(v) || math.IsNaN(v) && math.IsNaN(float64(got))) {
			t.Errorf("event %d = step %d tag %q value %g, want step %d tag train/loss value %g",
				i, e.Step, val.Tag, got, 10*i, float32(v))
		}
		if e.WallTime < events[0].WallTime {
			t.Errorf("event %d wall time %f before file start %f", i, e.WallTime, events[0].WallTime)
		}
	}
}

func TestHistogramWrite(t *testing.T) {
	w := newTestWriter(t)
	values := []float64{-2, -0.5, 0, 0.001, 0.5, 0.5, 3}
	if err := w.Histogram("weights/W", 7, values); err != nil {
		t.Fatal(err)
	}
	events := readBack(t, w)
	if len(events) != 2 {
		t.Fatalf("%d events, want 2", len(events))
	}
	val := onlyValue(t, events[1])
	if val.Tag != "weights/W" || events[1].Step != 7 {
		t.Errorf("tag, step = %q, %d; want weights/W, 7", val.Tag, events[1].Step)
	}
	h := val.GetHisto()
	if h == nil {
		t.Fatalf("value %v has no histogram", val)
	}
	checkHistogram(t, h, values)
}

func TestHistogramNaNNamesTag(t *testing.T) {
	w := newTestWriter(t)
	err := w.Histogram("layer1/bias", 3, []float64{1, math.NaN()})
	if !errors.Is(err, ErrNonFinite) {
		t.Fatalf("Histogram with NaN = %v, want ErrNonFinite", err)
	}
	if !bytes.Contains([]byte(err.Error()), []byte("layer1/bias")) {
		t.Errorf("error %q does not name the tag", err)
	}
	if err := w.Histogram("layer1/bias", 3, []float64{math.Inf(-1)}); !errors.Is(err, ErrNonFinite) {
		t.Errorf("Histogram with -Inf = %v, want ErrNonFinite", err)
	}
	// Nothing was written, and the writer is still usable.
	if err := w.Scalar("ok", 1, 1); err != nil {
		t.Fatal(err)
	}
	if events := readBack(t, w); len(events) != 2 {
		t.Errorf("%d events, want 2 (file version and the scalar)", len(events))
	}
}

func TestImages(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 5, 3))
	rgb := image.NewRGBA(image.Rect(0, 0, 4, 6))
	rgba := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(17 * i)
	}
	for y := 0; y < 6; y++ {
		for x := 0; x < 4; x++ {
			rgb.Set(x, y, color.RGBA{uint8(60 * x), uint8(40 * y), 200, 255})
		}
	}
	rgba.Set(1, 1, color.NRGBA{255, 0, 0, 128})
	cases := []struct {
		tag        string
		img        image.Image
		colorspace int32
	}{
		{"img/gray", gray, 1},
		{"img/rgb", rgb, 3},
		{"img/rgba", rgba, 4},
	}
	w := newTestWriter(t)
	for i, c := range cases {
		if err := w.Image(c.tag, int64(i), c.img); err != nil {
			t.Fatalf("Image(%s): %v", c.tag, err)
		}
	}
	events := readBack(t, w)
	if len(events) != 1+len(cases) {
		t.Fatalf("%d events, want %d", len(events), 1+len(cases))
	}
	for i, c := range cases {
		val := onlyValue(t, events[1+i])
		im := val.GetImage()
		if val.Tag != c.tag || events[1+i].Step != int64(i) || im == nil {
			t.Fatalf("event %d: tag %q step %d image %v", i, val.Tag, events[1+i].Step, im != nil)
		}
		b := c.img.Bounds()
		if im.Width != int32(b.Dx()) || im.Height != int32(b.Dy()) || im.Colorspace != c.colorspace {
			t.Errorf("%s: %dx%d colorspace %d, want %dx%d colorspace %d",
				c.tag, im.Width, im.Height, im.Colorspace, b.Dx(), b.Dy(), c.colorspace)
		}
		dec, err := png.Decode(bytes.NewReader(im.EncodedImageString))
		if err != nil {
			t.Fatalf("%s: decode png: %v", c.tag, err)
		}
		if dec.Bounds().Size() != b.Size() {
			t.Fatalf("%s: decoded size %v, want %v", c.tag, dec.Bounds().Size(), b.Size())
		}
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r0, g0, b0, a0 := c.img.At(x, y).RGBA()
				r1, g1, b1, a1 := dec.At(x, y).RGBA()
				if r0 != r1 || g0 != g1 || b0 != b1 || a0 != a1 {
					t.Fatalf("%s: pixel (%d,%d) = %v, want %v", c.tag, x, y, dec.At(x, y), c.img.At(x, y))
				}
			}
		}
	}
}

func TestImageBadInput(t *testing.T) {
	w := newTestWriter(t)
	if err := w.Image("nil", 0, nil); err == nil {
		t.Error("Image(nil) succeeded, want error")
	}
	if err := w.Image("empty", 0, image.NewGray(image.Rect(0, 0, 0, 3))); err == nil {
		t.Error("Image(0x3) succeeded, want error")
	}
}

func TestEmptyTag(t *testing.T) {
	w := newTestWriter(t)
	if err := w.Scalar("", 0, 1); err == nil {
		t.Error("Scalar with empty tag succeeded, want error")
	}
}

func TestFlushAndClose(t *testing.T) {
	w := newTestWriter(t)
	if err := w.Scalar("a", 1, 1); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	// Flushed events are visible while the writer is open.
	events, err := ReadFile(w.Path())
	if err != nil || len(events) != 2 {
		t.Fatalf("after Flush: %d events, %v; want 2, nil", len(events), err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if err := w.Scalar("a", 2, 2); !errors.Is(err, ErrClosed) {
		t.Errorf("Scalar after Close = %v, want ErrClosed", err)
	}
	if err := w.Flush(); !errors.Is(err, ErrClosed) {
		t.Errorf("Flush after Close = %v, want ErrClosed", err)
	}
}

func TestConcurrentWrites(t *testing.T) {
	w := newTestWriter(t)
	const workers, perWorker = 8, 50
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tag := fmt.Sprintf("worker/%d", g)
			for s := 0; s < perWorker; s++ {
				var err error
				if s%10 == 0 {
					err = w.Histogram(tag+"/h", int64(s), []float64{float64(g), float64(s)})
				} else {
					err = w.Scalar(tag, int64(s), float64(g*1000+s))
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	events := readBack(t, w)
	if len(events) != 1+workers*perWorker {
		t.Fatalf("%d events, want %d", len(events), 1+workers*perWorker)
	}
	seen := make(map[string]bool)
	for _, e := range events[1:] {
		val := onlyValue(t, e)
		key := fmt.Sprintf("%s@%d", val.Tag, e.Step)
		if seen[key] {
			t.Errorf("duplicate %s", key)
		}
		seen[key] = true
		if sv, ok := val.Value.(*summary_go_proto.Summary_Value_SimpleValue); ok {
			var g int
			fmt.Sscanf(val.Tag, "worker/%d", &g)
			if want := float32(g*1000 + int(e.Step)); sv.SimpleValue != want {
				t.Errorf("%s = %g, want %g", key, sv.SimpleValue, want)
			}
		}
	}
}

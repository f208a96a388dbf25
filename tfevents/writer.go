package tfevents

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/galeone/tensorflow/tensorflow/go/core/framework/summary_go_proto"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// Writer appends TensorBoard events to one file in a directory. It is safe
// for concurrent use. Events are buffered; call Flush to make them visible
// to TensorBoard while training runs, and Close when done.
//
// The first error from the underlying file is sticky: once a write or
// flush has failed, every later call returns that error.
type Writer struct {
	mu      sync.Mutex
	path    string
	file    *os.File
	buf     *bufio.Writer
	scratch []byte // reused frame buffer
	err     error  // sticky I/O error
	closed  bool
	now     func() time.Time
}

// NewWriter creates dir (and its parents) if needed and a new event file
// events.out.tfevents.<unix seconds>.<hostname> in it, and writes the
// file's first event {wall_time, file_version: "brain.Event:2"}.
//
// The file is created exclusively: if a file of that name already exists
// (two writers started within the same second), a suffix ".1", ".2", … is
// appended instead of overwriting or interleaving with the other file.
// TensorBoard reads every file whose name contains "tfevents".
func NewWriter(dir string) (*Writer, error) {
	return newWriter(dir, time.Now)
}

// newWriter is NewWriter with an injectable clock for tests.
func newWriter(dir string, now func() time.Time) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nest.Within("tfevents: create directory", err)
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	start := now()
	base := filepath.Join(dir, "events.out.tfevents."+strconv.FormatInt(start.Unix(), 10)+"."+host)
	var f *os.File
	name := base
	for i := 1; ; i++ {
		f, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || i > 1000 {
			return nil, nest.Within("tfevents: create event file", err)
		}
		name = base + "." + strconv.Itoa(i)
	}
	w := &Writer{path: name, file: f, buf: bufio.NewWriterSize(f, 64<<10), now: now}
	if err := w.writeEvent(Event{WallTime: wallTime(start), FileVersion: fileVersion}); err != nil {
		f.Close()
		os.Remove(name)
		return nil, err
	}
	if err := w.buf.Flush(); err != nil {
		f.Close()
		os.Remove(name)
		return nil, nest.Within(fmt.Sprintf("tfevents: write %s", name), err)
	}
	return w, nil
}

// Path returns the path of the event file.
func (w *Writer) Path() string { return w.path }

// Scalar writes the value v of tag at step as Summary.Value.simple_value.
// TensorBoard stores scalars as float32, so v is rounded to float32.
// NaN and ±Inf are written as they are; TensorBoard shows them.
func (w *Writer) Scalar(tag string, step int64, v float64) error {
	return w.writeValue(step, &summary_go_proto.Summary_Value{
		Tag:   tag,
		Value: &summary_go_proto.Summary_Value_SimpleValue{SimpleValue: float32(v)},
	})
}

// Histogram writes a histogram of values for tag at step, laid out in
// TensorFlow's default buckets and serialized as TensorFlow does (runs of
// empty buckets collapsed into one zero entry; see newHistogram). Min,
// max, num, sum and sum_squares are computed in float64 in input order.
// A NaN or infinite value is an error naming the tag and wrapping
// ErrNonFinite; nothing is written then.
func (w *Writer) Histogram(tag string, step int64, values []float64) error {
	h, err := newHistogram(values)
	if err != nil {
		return nest.Within(fmt.Sprintf("tfevents: histogram %q", tag), err)
	}
	return w.writeValue(step, &summary_go_proto.Summary_Value{
		Tag:   tag,
		Value: &summary_go_proto.Summary_Value_Histo{Histo: h},
	})
}

// Image writes img for tag at step as a PNG-encoded Summary.Image with its
// height, width and colorspace (1 gray, 3 RGB, 4 RGBA).
func (w *Writer) Image(tag string, step int64, img image.Image) error {
	im, err := newImage(img)
	if err != nil {
		return nest.Within(fmt.Sprintf("tfevents: image %q", tag), err)
	}
	return w.writeValue(step, &summary_go_proto.Summary_Value{
		Tag:   tag,
		Value: &summary_go_proto.Summary_Value_Image{Image: im},
	})
}

// Graph writes g's GraphDef as a graph event, which TensorBoard's graph tab draws.
func (w *Writer) Graph(g *tf.Graph) error {
	var buf bytes.Buffer
	if _, err := g.WriteTo(&buf); err != nil {
		return nest.Within("tfevents: graph", err)
	}
	return w.write(Event{GraphDef: buf.Bytes()})
}

// Flush writes buffered events to the file. It does not fsync.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return fmt.Errorf("tfevents: flush: %w", ErrClosed)
	}
	if w.err != nil {
		return w.err
	}
	if err := w.buf.Flush(); err != nil {
		w.err = nest.Within(fmt.Sprintf("tfevents: flush %s", w.path), err)
	}
	return w.err
}

// Close flushes buffered events, syncs and closes the file. It may be
// called more than once; calls after the first return nil. Close returns
// the writer's sticky error, if any, even though the file is closed.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.err
	if err == nil {
		if e := w.buf.Flush(); e != nil {
			err = fmt.Errorf("tfevents: flush %s: %w", w.path, e)
		}
	}
	if err == nil {
		if e := w.file.Sync(); e != nil {
			err = fmt.Errorf("tfevents: sync %s: %w", w.path, e)
		}
	}
	if e := w.file.Close(); e != nil && err == nil {
		err = fmt.Errorf("tfevents: close %s: %w", w.path, e)
	}
	return err
}

// writeValue writes one event at step whose summary holds val.
func (w *Writer) writeValue(step int64, val *summary_go_proto.Summary_Value) error {
	if val.Tag == "" {
		return errors.New("tfevents: empty tag")
	}
	return w.write(Event{Step: step, Summary: &summary_go_proto.Summary{Value: []*summary_go_proto.Summary_Value{val}}})
}

// write stamps e with the wall time and writes it, unless w is closed or failed before.
func (w *Writer) write(e Event) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return fmt.Errorf("tfevents: write: %w", ErrClosed)
	}
	if w.err != nil {
		return w.err
	}
	e.WallTime = wallTime(w.now())
	return w.writeEvent(e)
}

// writeEvent frames e and appends it to the buffer. The caller holds w.mu
// (or has not yet shared w).
func (w *Writer) writeEvent(e Event) error {
	data, err := marshalEvent(e)
	if err != nil {
		return err
	}
	w.scratch = appendRecord(w.scratch[:0], data)
	if _, err := w.buf.Write(w.scratch); err != nil {
		w.err = nest.Within(fmt.Sprintf("tfevents: write %s", w.path), err)
		return w.err
	}
	return nil
}

// wallTime converts t to seconds since the Unix epoch with microsecond
// resolution, like Python's time.time().
func wallTime(t time.Time) float64 {
	return float64(t.UnixMicro()) / 1e6
}

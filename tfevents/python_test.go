package tfevents

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/internal/venv"
)

// readWithTensorBoard is run by TestTensorBoardReadsWriter with the venv's Python. It loads a
// run directory with TensorBoard's EventAccumulator (keeping every event) and prints its tags,
// scalars, histograms and images as JSON (images base64-encoded).
const readWithTensorBoard = `
import base64, json, sys
from tensorboard.backend.event_processing import event_accumulator

ea = event_accumulator.EventAccumulator(sys.argv[1], size_guidance={
    event_accumulator.COMPRESSED_HISTOGRAMS: 0, event_accumulator.IMAGES: 0,
    event_accumulator.AUDIO: 0, event_accumulator.SCALARS: 0,
    event_accumulator.HISTOGRAMS: 0, event_accumulator.TENSORS: 0})
ea.Reload()
tags = ea.Tags()
out = {"tags": {k: tags[k] for k in ("scalars", "histograms", "images")},
       "scalars": {}, "histograms": {}, "images": {}}
for tag in tags["scalars"]:
    out["scalars"][tag] = [{"wall_time": e.wall_time, "step": e.step, "value": e.value} for e in ea.Scalars(tag)]
for tag in tags["histograms"]:
    out["histograms"][tag] = [{"wall_time": e.wall_time, "step": e.step,
        "min": h.min, "max": h.max, "num": h.num, "sum": h.sum, "sum_squares": h.sum_squares,
        "bucket_limit": list(h.bucket_limit), "bucket": list(h.bucket)}
        for e in ea.Histograms(tag) for h in [e.histogram_value]]
for tag in tags["images"]:
    out["images"][tag] = [{"wall_time": e.wall_time, "step": e.step, "width": e.width, "height": e.height,
        "png": base64.b64encode(e.encoded_image_string).decode()} for e in ea.Images(tag)]
try:
    out["graph_nodes"] = [n.name for n in ea.Graph().node]
except ValueError:
    out["graph_nodes"] = []
json.dump(out, sys.stdout)
`

type tbEvent struct {
	WallTime   float64   `json:"wall_time"`
	Step       int64     `json:"step"`
	Value      float64   `json:"value"`
	Min        float64   `json:"min"`
	Max        float64   `json:"max"`
	Num        float64   `json:"num"`
	Sum        float64   `json:"sum"`
	SumSquares float64   `json:"sum_squares"`
	Limits     []float64 `json:"bucket_limit"`
	Buckets    []float64 `json:"bucket"`
	Width      int       `json:"width"`
	Height     int       `json:"height"`
	PNG        []byte    `json:"png"` // base64 in JSON
}

type tbRun struct {
	GraphNodes []string `json:"graph_nodes"`
	Tags       struct {
		Scalars    []string `json:"scalars"`
		Histograms []string `json:"histograms"`
		Images     []string `json:"images"`
	} `json:"tags"`
	Scalars    map[string][]tbEvent `json:"scalars"`
	Histograms map[string][]tbEvent `json:"histograms"`
	Images     map[string][]tbEvent `json:"images"`
}

// tensorBoardPython returns the venv's python (see package venv).
func tensorBoardPython(t *testing.T) string {
	t.Helper()
	return venv.Tool(t, "python")
}

// TestTensorBoardReadsWriter writes scalars, histograms and images with a Writer and checks
// that TensorBoard's own reader sees every tag, step and value.
func TestTensorBoardReadsWriter(t *testing.T) {
	python := tensorBoardPython(t)
	dir := filepath.Join(t.TempDir(), "run")
	start := time.Now()
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	loss := []float64{2.5, 1.25, 0.75, 0.5, math.Pi}
	for i, v := range loss {
		if err := w.Scalar("train/loss", int64(i), v); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Scalar("val/msre", 100, 0.125); err != nil {
		t.Fatal(err)
	}
	hists := map[int64][]float64{
		1: {-1.5, -0.25, 0, 0, 0.3, 0.3, 0.31, 2, 1e-13, 7e5},
		2: {0.5},
	}
	for _, step := range []int64{1, 2} {
		if err := w.Histogram("weights/W", step, hists[step]); err != nil {
			t.Fatal(err)
		}
	}
	gray := image.NewGray(image.Rect(0, 0, 4, 3))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(20 * i)
	}
	rgb := image.NewRGBA(image.Rect(0, 0, 2, 5))
	for y := 0; y < 5; y++ {
		for x := 0; x < 2; x++ {
			rgb.Set(x, y, color.RGBA{uint8(50 * y), uint8(100 * x), 7, 255})
		}
	}
	imgs := map[string]image.Image{"filters": gray, "samples": rgb}
	for tag, img := range imgs {
		if err := w.Image(tag, 3, img); err != nil {
			t.Fatal(err)
		}
	}
	gs := op.NewScope()
	op.Placeholder(gs.SubScope("visible"), tf.Float)
	g, err := gs.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Graph(g); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	end := time.Now()

	script := filepath.Join(t.TempDir(), "read_events.py")
	if err := os.WriteFile(script, []byte(readWithTensorBoard), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, script, dir)
	cmd.Env = append(os.Environ(), "TF_CPP_MIN_LOG_LEVEL=2", "CUDA_VISIBLE_DEVICES=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("TensorBoard reader: %v\n%s", err, stderr.String())
	}
	var run tbRun
	if err := json.Unmarshal(out, &run); err != nil {
		t.Fatalf("TensorBoard reader output: %v\n%s", err, out)
	}
	if !slices.Contains(run.GraphNodes, "visible/Placeholder") {
		t.Errorf("TensorBoard's graph has nodes %v, want visible/Placeholder", run.GraphNodes)
	}

	slices.Sort(run.Tags.Scalars)
	slices.Sort(run.Tags.Images)
	if !slices.Equal(run.Tags.Scalars, []string{"train/loss", "val/msre"}) ||
		!slices.Equal(run.Tags.Histograms, []string{"weights/W"}) ||
		!slices.Equal(run.Tags.Images, []string{"filters", "samples"}) {
		t.Fatalf("TensorBoard tags %+v", run.Tags)
	}
	inRun := func(wall float64) bool {
		return wall >= float64(start.UnixMicro())/1e6-1e-6 && wall <= float64(end.UnixMicro())/1e6+1e-6
	}

	got := run.Scalars["train/loss"]
	if len(got) != len(loss) {
		t.Fatalf("train/loss: %d scalars, want %d", len(got), len(loss))
	}
	for i, e := range got {
		if e.Step != int64(i) || e.Value != float64(float32(loss[i])) || !inRun(e.WallTime) {
			t.Errorf("train/loss[%d] = step %d value %v wall %f, want step %d value %v", i, e.Step, e.Value, e.WallTime, i, float32(loss[i]))
		}
	}
	if m := run.Scalars["val/msre"]; len(m) != 1 || m[0].Step != 100 || m[0].Value != 0.125 {
		t.Errorf("val/msre = %+v, want step 100 value 0.125", m)
	}

	hs := run.Histograms["weights/W"]
	if len(hs) != 2 {
		t.Fatalf("weights/W: %d histograms, want 2", len(hs))
	}
	for i, e := range hs {
		step := int64(i + 1)
		want, err := newHistogram(hists[step])
		if err != nil {
			t.Fatal(err)
		}
		if e.Step != step || e.Min != want.Min || e.Max != want.Max || e.Num != want.Num || e.Sum != want.Sum ||
			e.SumSquares != want.SumSquares || !slices.Equal(e.Limits, want.BucketLimit) || !slices.Equal(e.Buckets, want.Bucket) ||
			!inRun(e.WallTime) {
			t.Errorf("weights/W at step %d: TensorBoard reads %+v, want %v", step, e, want)
		}
		var total float64
		for _, c := range e.Buckets {
			total += c
		}
		if total != float64(len(hists[step])) {
			t.Errorf("weights/W at step %d: bucket counts sum to %g, want %d", step, total, len(hists[step]))
		}
	}

	for tag, img := range imgs {
		es := run.Images[tag]
		if len(es) != 1 {
			t.Fatalf("%s: %d images, want 1", tag, len(es))
		}
		e := es[0]
		b := img.Bounds()
		if e.Step != 3 || e.Width != b.Dx() || e.Height != b.Dy() || !inRun(e.WallTime) {
			t.Errorf("%s: step %d, %d×%d, want step 3, %d×%d", tag, e.Step, e.Width, e.Height, b.Dx(), b.Dy())
		}
		dec, err := png.Decode(bytes.NewReader(e.PNG))
		if err != nil {
			t.Fatalf("%s: the PNG TensorBoard returns does not decode: %v", tag, err)
		}
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r1, g1, b1, a1 := img.At(x, y).RGBA()
				r2, g2, b2, a2 := dec.At(x, y).RGBA()
				if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
					t.Fatalf("%s: pixel (%d, %d) is %v, want %v", tag, x, y, dec.At(x, y), img.At(x, y))
				}
			}
		}
	}
}

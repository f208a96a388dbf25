package dbm

import (
	"errors"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// TestMeanFieldRowWarmStart: with each row's mean field started where that row's ended on its
// last visit (MeanFieldRow), the first epoch (every row visited for the first time) gives the
// bottom-up start's weights bit for bit; later epochs need fewer sweeps to the same tolerance
// than the bottom-up start, in float32 and float64. With a learning rate of 1e-9 (the model all
// but fixed) the second epoch starts every row at its fixed point, so it stops after one chunk.
func TestMeanFieldRowWarmStart(t *testing.T) {
	x := dataset.NewMatrix[float64](40, 8)
	for i := range x.Data {
		x.Data[i] = float64((i*7+3)%11) / 10
	}
	for _, dt := range []tf.DataType{tf.Float, tf.Double} {
		train := func(start string, epochs int, lr float64) ([]float64, []float64) {
			return fitTiny(t, x, Config{Sizes: []int{8, 6, 5}, DType: dt, Seed: 9, WeightStd: 0.5, Particles: 10, BatchSize: 10, Epochs: epochs,
				MeanFieldSteps: 40, MeanFieldTol: 1e-5, MeanFieldStart: start, LearningRate: []float64{lr}})
		}
		cold1, cs1 := train(MeanFieldBottomUp, 1, 0.05)
		warm1, ws1 := train(MeanFieldRow, 1, 0.05)
		if !slices.Equal(cold1, warm1) || !slices.Equal(cs1, ws1) {
			t.Errorf("%v: the first epoch with warm starts differs from the bottom-up start's (sweeps %v, %v)", dt, ws1, cs1)
		}
		_, cs := train(MeanFieldBottomUp, 4, 1e-3)
		_, ws := train(MeanFieldRow, 4, 1e-3)
		if !(ws[3] < cs[3]) {
			t.Errorf("%v: sweeps per update, epochs 1–4: warm %v, cold %v; want fewer warm by epoch 4", dt, ws, cs)
		}
		_, fixed := train(MeanFieldRow, 2, 1e-9)
		if fixed[1] > chunkSweeps {
			t.Errorf("%v: a fixed model's second epoch took %v sweeps per update from the rows' fixed points, want at most one chunk (%d)", dt, fixed[1], chunkSweeps)
		}
	}
}

// TestMeanFieldRowRefused: the warm starts need one update per run, chunked sweeps and rows in
// memory.
func TestMeanFieldRowRefused(t *testing.T) {
	for _, c := range []Config{
		{Sizes: []int{8, 6, 5}, MeanFieldStart: MeanFieldRow, UpdatesPerRun: 2, MeanFieldSteps: 40},
		{Sizes: []int{8, 6, 5}, MeanFieldStart: MeanFieldRow, MeanFieldSteps: 5},
	} {
		var ce *ConfigError
		if err := c.Validate(); !errors.As(err, &ce) || ce.Field != "MeanFieldStart" {
			t.Errorf("%+v: %v, want a MeanFieldStart error", c, err)
		}
	}
}

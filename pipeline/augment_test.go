package pipeline

import (
	"path/filepath"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
)

// TestAugmentTop checks AugmentTop's input and first kernel on a 6-4-5 DBM: every row is
// followed by the DBM's own q(h2|x), and the kernel is W1 stacked on W2ᵀ, so that the MLP's
// first pre-activation at the start is the DBM's mean-field input to h1 (x·W1 + q·W2ᵀ + b1).
func TestAugmentTop(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dbm")
	m, err := dbm.New(dbm.Config{Sizes: []int{6, 4, 5}, Seed: 7, WeightStd: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	p, err := m.Parameters()
	if err != nil {
		t.Fatal(err)
	}
	mat := func(rows int, seed float32) *dataset.Matrix[float32] {
		x := dataset.NewMatrix[float32](rows, 6)
		for i := range x.Data {
			x.Data[i] = float32(i%7) / 7 * seed
		}
		return x
	}
	d := &Labeled{Train: mat(3, 1), Val: mat(2, 0.5), Test: mat(4, 0.9), YTrain: []int{0, 1, 0}, YVal: []int{1, 0}, YTest: []int{0, 0, 1, 1}}
	net, err := LoadInitNet(dir)
	if err != nil {
		t.Fatal(err)
	}
	aug, hidden, featurer, err := AugmentTop(dir, d, net.Hidden(false), Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	featurer.Close()
	for _, set := range []struct{ in, out *dataset.Matrix[float32] }{{d.Train, aug.Train}, {d.Val, aug.Val}, {d.Test, aug.Test}} {
		q, err := m.Transform(set.in)
		if err != nil {
			t.Fatal(err)
		}
		if set.out.Rows != set.in.Rows || set.out.Cols != 6+5 {
			t.Fatalf("augmented shape %d×%d, want %d×11", set.out.Rows, set.out.Cols, set.in.Rows)
		}
		for r := 0; r < set.in.Rows; r++ {
			for c := 0; c < 11; c++ {
				want := float32(0)
				if c < 6 {
					want = set.in.Data[r*6+c]
				} else {
					want = float32(q.Data[r*5+c-6])
				}
				if got := set.out.Data[r*11+c]; got != want {
					t.Fatalf("row %d column %d: %v, want %v", r, c, got, want)
				}
			}
		}
	}
	if len(hidden) != 2 || len(hidden[0].InitW) != 11*4 {
		t.Fatalf("first kernel has %d values, want 11×4", len(hidden[0].InitW))
	}
	for r := 0; r < 11; r++ {
		for c := 0; c < 4; c++ {
			want := 0.0
			if r < 6 {
				want = p.W[0][r*4+c] // W1: 6×4
			} else {
				want = p.W[1][c*5+r-6] // W2ᵀ: row r−6 of W2ᵀ is column r−6 of W2 (4×5)
			}
			if got := hidden[0].InitW[r*4+c]; got != want {
				t.Fatalf("first kernel [%d][%d] = %v, want %v", r, c, got, want)
			}
		}
	}
	if &hidden[1].InitW[0] != &net.Layers[1].InitW[0] {
		t.Error("the second layer should keep W2")
	}
	if _, _, _, err := AugmentTop(dir, d, net.Hidden(true), Hooks{}); err == nil {
		t.Error("random init: want an error")
	}
}

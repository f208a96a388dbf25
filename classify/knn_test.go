package classify

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// TestKNNHandComputed checks K = 3 (and K = 2) on five points on a line:
// 0 and 1 of class 0, 3 and 4 of class 1, 10 of class 2, with Classes = 4
// so that Scores has a column for the absent class 3.
func TestKNNHandComputed(t *testing.T) {
	x := matrixOf(5, 1, 0, 1, 3, 4, 10)
	y := []int{0, 0, 1, 1, 2}
	for _, tc := range []struct {
		q       float64
		k       int
		weights string
		want    int
		scores  []float64
	}{
		// Neighbours 1 (d 1, class 0), 3 (d 1, class 1), then 0 and 4 tie
		// at d 2 and the lower row index (0, class 0) is taken: votes
		// 1 + 1/2 = 1.5 for class 0 and 1 for class 1.
		{2, 3, "distance", 0, []float64{0.6, 0.4, 0, 0}},
		// Neighbours 10 (d 1.5, class 2), 4 (d 4.5), 3 (d 5.5): votes
		// 1/1.5 = 0.6667 for class 2 against 1/4.5 + 1/5.5 = 0.4040 for
		// class 1; uniform weights give class 1 two votes to one.
		{8.5, 3, "distance", 2, []float64{0, (1/4.5 + 1/5.5) / (1/1.5 + 1/4.5 + 1/5.5), (1 / 1.5) / (1/1.5 + 1/4.5 + 1/5.5), 0}},
		{8.5, 3, "uniform", 1, []float64{0, 2.0 / 3, 1.0 / 3, 0}},
		// An exact match (row 10, class 2) wins outright with distance
		// weights; uniform weights let 4 and 3 (class 1) outvote it.
		{10, 3, "distance", 2, []float64{0, 0, 1, 0}},
		{10, 3, "uniform", 1, []float64{0, 2.0 / 3, 1.0 / 3, 0}},
		// A tie, 1 (class 0) and 3 (class 1) both at d 1: the smaller
		// class wins.
		{2, 2, "uniform", 0, []float64{0.5, 0.5, 0, 0}},
		{2, 2, "distance", 0, []float64{0.5, 0.5, 0, 0}},
	} {
		m := &KNN{K: tc.k, Weights: tc.weights, Classes: 4}
		if err := m.Fit(x, y); err != nil {
			t.Fatal(err)
		}
		q := matrixOf(1, 1, tc.q)
		pred, err := m.Predict(q)
		if err != nil {
			t.Fatal(err)
		}
		s, err := m.Scores(q)
		if err != nil {
			t.Fatal(err)
		}
		if pred[0] != tc.want {
			t.Errorf("K=%d %s at %g: predicted %d, want %d", tc.k, tc.weights, tc.q, pred[0], tc.want)
		}
		for c, v := range tc.scores {
			if math.Abs(s.Data[c]-v) > 1e-15 {
				t.Errorf("K=%d %s at %g: scores %v, want %v", tc.k, tc.weights, tc.q, s.Data, tc.scores)
				break
			}
		}
	}
}

// TestKNNBruteForce compares the blocked BLAS search, forced into blocks
// of a few rows, with a direct O(n·m·d) search on random data that
// contains duplicated training rows and test rows equal to training rows.
func TestKNNBruteForce(t *testing.T) {
	defer func(b int) { blockBytes = b }(blockBytes)
	blockBytes = 8 * 300 * 7 // 7 test rows per block against 300 training rows
	rng := rand.New(rand.NewPCG(5, 6))
	train := dataset.NewMatrix[float64](300, 8)
	for i := range train.Data {
		train.Data[i] = float64(rng.IntN(3)) // coarse values: many distance ties
	}
	y := make([]int, train.Rows)
	for i := range y {
		y[i] = rng.IntN(4)
	}
	test := train.Gather([]int{0, 5, 17})
	extra, _ := mixture(60, 8, 2, 1, 7)
	test = &dataset.Matrix[float64]{Rows: test.Rows + extra.Rows, Cols: 8, Data: append(test.Data, extra.Data...)}
	for _, w := range []string{"uniform", "distance"} {
		m := &KNN{K: 5, Weights: w}
		if err := m.Fit(train, y); err != nil {
			t.Fatal(err)
		}
		var calls []int
		m.Progress = func(done, total int) { calls = append(calls, done) }
		pred, err := m.Predict(test)
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) != 9 || calls[8] != test.Rows { // 63 rows in blocks of 7
			t.Errorf("progress calls %v, want 9 ending at %d", calls, test.Rows)
		}
		for i := range test.Rows {
			if want := bruteKNN(train, y, test.Row(i), 5, w == "distance", 4); pred[i] != want {
				t.Errorf("%s: row %d predicted %d, brute force %d", w, i, pred[i], want)
			}
		}
	}
}

// bruteKNN is the direct k-NN rule: sort all training rows by (distance,
// index), vote, take the smallest class among the largest votes.
func bruteKNN(train *dataset.Matrix[float64], y []int, q []float64, k int, distance bool, classes int) int {
	idx := make([]int, train.Rows)
	d := make([]float64, train.Rows)
	for i := range idx {
		idx[i] = i
		d[i] = math.Sqrt(sqDist(q, train.Row(i)))
	}
	sort.SliceStable(idx, func(a, b int) bool { return d[idx[a]] < d[idx[b]] })
	votes := make([]float64, classes)
	exact := d[idx[0]] == 0
	for _, i := range idx[:k] {
		switch {
		case !distance:
			votes[y[i]]++
		case exact:
			if d[i] == 0 {
				votes[y[i]]++
			}
		default:
			votes[y[i]] += 1 / d[i]
		}
	}
	return argmax(votes)
}

// TestKNNCopiesTrainingSet checks that changing x after Fit does not
// change the predictions.
func TestKNNCopiesTrainingSet(t *testing.T) {
	x := matrixOf(2, 1, 0, 10)
	m := &KNN{K: 1}
	if err := m.Fit(x, []int{0, 1}); err != nil {
		t.Fatal(err)
	}
	x.Data[0] = 100
	pred, err := m.Predict(matrixOf(2, 1, 1, 9))
	if err != nil || !slices.Equal(pred, []int{0, 1}) {
		t.Errorf("Predict after changing x = %v, %v; want [0 1]", pred, err)
	}
}

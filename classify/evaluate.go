package classify

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/picture"
)

// ErrorRate returns the fraction of positions where pred and y differ. It
// is an error if the lengths differ or are zero.
func ErrorRate(pred, y []int) (float64, error) {
	if len(pred) != len(y) || len(y) == 0 {
		return 0, fmt.Errorf("classify: error rate: %d predictions for %d labels, want equal non-zero counts: %w", len(pred), len(y), ErrShape)
	}
	wrong := 0
	for i, p := range pred {
		if p != y[i] {
			wrong++
		}
	}
	return float64(wrong) / float64(len(y)), nil
}

// Confusion returns the k×k confusion matrix, row-major: entry
// [t*k+p] counts the positions with true class y = t and predicted class
// pred = p. It is an error if k ≤ 0 or k > MaxClasses, the lengths differ
// or are zero, or a label is outside 0..k-1.
func Confusion(pred, y []int, k int) ([]int, error) {
	const what = "classify: confusion"
	if k <= 0 || k > MaxClasses {
		return nil, fmt.Errorf("%s: k = %d, want a positive number of classes up to MaxClasses = %d: %w", what, k, MaxClasses, ErrArgument)
	}
	if len(pred) != len(y) || len(y) == 0 {
		return nil, fmt.Errorf("%s: %d predictions for %d labels, want equal non-zero counts: %w", what, len(pred), len(y), ErrShape)
	}
	conf := make([]int, k*k)
	for i, t := range y {
		p := pred[i]
		if t < 0 || t >= k || p < 0 || p >= k {
			return nil, fmt.Errorf("%s: position %d has true class %d and prediction %d, want both in [0,%d): %w", what, i, t, p, k, ErrValue)
		}
		conf[t*k+p]++
	}
	return conf, nil
}

// ConfusionPNG draws the k×k confusion matrix conf (as Confusion returns
// it) as a heatmap with picture.Heatmap and writes it to path as PNG:
// rows are the true classes, top to bottom, and columns the predicted
// classes, each cell labelled with its count. It is an error if k ≤ 0,
// len(conf) != k*k or a count is negative.
func ConfusionPNG(path, title string, conf []int, k int) error {
	const what = "classify: confusion png"
	if k <= 0 || k > MaxClasses {
		return fmt.Errorf("%s: k = %d, want a positive number of classes up to MaxClasses = %d: %w", what, k, MaxClasses, ErrArgument)
	}
	if len(conf) != k*k {
		return fmt.Errorf("%s: %d counts, want k*k = %d: %w", what, len(conf), k*k, ErrShape)
	}
	values := make([]float64, len(conf))
	for i, c := range conf {
		if c < 0 {
			return fmt.Errorf("%s: count (%d, %d) is %d: %w", what, i/k, i%k, c, ErrValue)
		}
		values[i] = float64(c)
	}
	if err := picture.Heatmap(path, title, k, k, values, nil, nil); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

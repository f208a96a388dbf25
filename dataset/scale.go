package dataset

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// MinStd is the smallest standard deviation Standardize divides by: a
// feature whose Std is below MinStd (for example a pixel that is constant
// over the training set) is only centred, as if its Std were 1, instead of
// being divided by a value near zero.
const MinStd = 1e-8

// Standardizer holds per-feature statistics for standardizing data:
// x[i][j] ← (x[i][j] − Mean[j]) / Std[j]. Std is the population standard
// deviation (numpy's X.std(axis=0), ddof=0). Std values below MinStd are
// treated as 1 when applied.
type Standardizer struct {
	Mean []float64 `json:"mean"`
	Std  []float64 `json:"std"`
}

// FitStandardizer returns the per-column mean and population standard
// deviation of x, accumulated in float64 (two passes, so the variance is
// not subject to cancellation). A matrix with no rows gives means and
// standard deviations of 0. It returns nil if x is malformed (see
// Matrix.Validate).
func FitStandardizer[T Float](x *Matrix[T]) *Standardizer {
	if x.Validate() != nil {
		return nil
	}
	s := &Standardizer{Mean: make([]float64, x.Cols), Std: make([]float64, x.Cols)}
	if x.Rows == 0 {
		return s
	}
	for i := range x.Rows {
		for j, v := range x.Row(i) {
			s.Mean[j] += float64(v)
		}
	}
	for j := range s.Mean {
		s.Mean[j] /= float64(x.Rows)
	}
	for i := range x.Rows {
		for j, v := range x.Row(i) {
			d := float64(v) - s.Mean[j]
			s.Std[j] += d * d
		}
	}
	for j := range s.Std {
		s.Std[j] = math.Sqrt(s.Std[j] / float64(x.Rows))
	}
	return s
}

// check returns an error unless s is usable on data with cols features.
func (s *Standardizer) check(cols int) error {
	if s == nil {
		return fmt.Errorf("nil standardizer: %w", ErrArgument)
	}
	if len(s.Mean) != len(s.Std) {
		return fmt.Errorf("standardizer has %d means but %d standard deviations: %w", len(s.Mean), len(s.Std), ErrShape)
	}
	if len(s.Mean) != cols {
		return fmt.Errorf("standardizer has %d features, data has %d columns: %w", len(s.Mean), cols, ErrShape)
	}
	return nil
}

// Standardize replaces each x[i][j] by (x[i][j] − s.Mean[j]) / s.Std[j] in
// place, computing in float64; a Std below MinStd is treated as 1. It
// returns an error wrapping ErrShape if x is malformed or its column count
// differs from the number of features of s, and leaves x unchanged then.
func Standardize[T Float](s *Standardizer, x *Matrix[T]) error {
	if err := x.Validate(); err != nil {
		return nest.Within("dataset: standardize", err)
	}
	if err := s.check(x.Cols); err != nil {
		return nest.Within("dataset: standardize", err)
	}
	inv := make([]float64, len(s.Std))
	for j, sd := range s.Std {
		if sd < MinStd || math.IsNaN(sd) {
			sd = 1
		}
		inv[j] = 1 / sd
	}
	for i := range x.Rows {
		row := x.Row(i)
		for j, v := range row {
			row[j] = T((float64(v) - s.Mean[j]) * inv[j])
		}
	}
	return nil
}

// Unstandardize undoes Standardize in place: x[i][j] ← x[i][j]·s.Std[j] + s.Mean[j] (a Std
// below MinStd counts as 1, as there), e.g. to show a Gaussian model's samples as images.
func Unstandardize[T Float](s *Standardizer, x *Matrix[T]) error {
	if err := x.Validate(); err != nil {
		return nest.Within("dataset: unstandardize", err)
	}
	if err := s.check(x.Cols); err != nil {
		return nest.Within("dataset: unstandardize", err)
	}
	for i := range x.Rows {
		row := x.Row(i)
		for j, v := range row {
			sd := s.Std[j]
			if sd < MinStd || math.IsNaN(sd) {
				sd = 1
			}
			row[j] = T(float64(v)*sd + s.Mean[j])
		}
	}
	return nil
}

// Save writes s to path as JSON ({"mean": […], "std": […]}), atomically via
// a temporary file in the same directory and a rename. Non-finite values
// cannot be represented in JSON and give an error.
func (s *Standardizer) Save(path string) error {
	if s == nil {
		return fmt.Errorf("dataset: save %s: nil standardizer: %w", path, ErrArgument)
	}
	if len(s.Mean) != len(s.Std) {
		return fmt.Errorf("dataset: save %s: %d means but %d standard deviations: %w", path, len(s.Mean), len(s.Std), ErrShape)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nest.Within(fmt.Sprintf("dataset: save %s", path), err)
	}
	b = append(b, '\n')
	err = atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
	if err != nil {
		return nest.Within(fmt.Sprintf("dataset: save %s", path), err)
	}
	return nil
}

// LoadStandardizer reads a Standardizer written by Save. It returns an
// error wrapping ErrFormat if the file is not such JSON or its mean and std
// lists differ in length.
func LoadStandardizer(path string) (*Standardizer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fileErr(path, err)
	}
	var s Standardizer
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fileErr(path, fmt.Errorf("standardizer JSON: %w: %w", ErrFormat, err))
	}
	if s.Mean == nil || s.Std == nil {
		return nil, fileErr(path, fmt.Errorf("standardizer JSON lacks \"mean\" or \"std\": %w", ErrFormat))
	}
	if len(s.Mean) != len(s.Std) {
		return nil, fileErr(path, fmt.Errorf("standardizer has %d means but %d standard deviations: %w", len(s.Mean), len(s.Std), ErrFormat))
	}
	return &s, nil
}

// LogitMean returns, for each column j of x, log(p/(1−p)) where p is the
// column mean clipped to [1e-7, 1−1e-7]. This is the original's logit_mean,
// used to initialise the visible biases of a Bernoulli RBM to the log-odds
// of the data (Hinton, "A Practical Guide to Training RBMs", 2010, §8).
// A matrix with no rows gives p = 1/2, i.e. zeros. It returns nil if x is
// malformed.
func LogitMean[T Float](x *Matrix[T]) []float64 {
	if x.Validate() != nil {
		return nil
	}
	out := make([]float64, x.Cols)
	for i := range x.Rows {
		for j, v := range x.Row(i) {
			out[j] += float64(v)
		}
	}
	if x.Rows == 0 {
		for j := range out {
			out[j] = 0.5
		}
		return Logit(out)
	}
	for j := range out {
		out[j] /= float64(x.Rows)
	}
	return Logit(out)
}

// Logit returns log(p/(1−p)) of each mean p, clipped to [1e-7, 1 − 1e-7] first (LogitMean's
// values for column means p).
func Logit(mean []float64) []float64 {
	const eps = 1e-7
	out := make([]float64, len(mean))
	for j, p := range mean {
		p = min(max(p, eps), 1-eps)
		out[j] = math.Log(p / (1 - p))
	}
	return out
}

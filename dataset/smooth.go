package dataset

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// Smooth returns a low-rank "smoothed" copy of x, as the original's
// dbm_cifar_naive example prepares its training set (spec §6.3 step 2):
//
//  1. subtract the column means, giving X_c;
//  2. take the thin SVD X_c = U·diag(S)·Vᵀ (gonum mat.SVD, SVDThin), with
//     the k = min(Rows, Cols) singular values S in descending order;
//  3. set the drop smallest singular values to 0;
//  4. reconstruct U·diag(S)·Vᵀ and add the column means back.
//
// The original drops the last 1000 of CIFAR-10's 3072 values and smooths
// the training set only (Appendix A.18). drop = 0 reproduces x up to
// rounding; drop = k−r leaves the centred result with rank at most r. x is
// not modified. It returns an error wrapping ErrShape if x is malformed or
// empty, ErrArgument if drop is outside [0, k], and an error if the SVD
// does not converge.
func Smooth(x *Matrix[float64], drop int) (*Matrix[float64], error) {
	if err := x.Validate(); err != nil {
		return nil, nest.Within("dataset: smooth", err)
	}
	if x.Rows == 0 || x.Cols == 0 {
		return nil, fmt.Errorf("dataset: smooth: empty %d×%d matrix: %w", x.Rows, x.Cols, ErrShape)
	}
	k := min(x.Rows, x.Cols)
	if drop < 0 || drop > k {
		return nil, fmt.Errorf("dataset: smooth: drop %d outside [0, %d] (number of singular values): %w", drop, k, ErrArgument)
	}
	mean := make([]float64, x.Cols)
	for i := range x.Rows {
		for j, v := range x.Row(i) {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(x.Rows)
	}
	centred := mat.NewDense(x.Rows, x.Cols, nil)
	for i := range x.Rows {
		row := x.Row(i)
		for j := range row {
			centred.Set(i, j, row[j]-mean[j])
		}
	}
	out := NewMatrix[float64](x.Rows, x.Cols)
	keep := k - drop
	if keep > 0 {
		var svd mat.SVD
		if !svd.Factorize(centred, mat.SVDThin) {
			return nil, fmt.Errorf("dataset: smooth: SVD of the %d×%d matrix did not converge", x.Rows, x.Cols)
		}
		s := svd.Values(nil)
		var u, v mat.Dense
		svd.UTo(&u)
		svd.VTo(&v)
		// U[:, :keep]·diag(S[:keep]) then times V[:, :keep]ᵀ.
		us := mat.DenseCopyOf(u.Slice(0, x.Rows, 0, keep))
		for j := range keep {
			for i := range x.Rows {
				us.Set(i, j, us.At(i, j)*s[j])
			}
		}
		rec := mat.NewDense(x.Rows, x.Cols, out.Data)
		rec.Mul(us, v.Slice(0, x.Cols, 0, keep).T())
	}
	for i := range x.Rows {
		row := out.Row(i)
		for j := range row {
			row[j] += mean[j]
		}
	}
	return out, nil
}

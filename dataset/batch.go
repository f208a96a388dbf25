package dataset

// Batches splits idx (for example 0..n-1 or a Permutation) into consecutive
// minibatches of b indices; the last one is shorter when b does not divide
// len(idx). The batches are sub-slices of idx with their capacity cut to
// their length, so appending to one never overwrites the next. It returns
// nil if b ≤ 0 or idx is empty.
func Batches(idx []int, b int) [][]int {
	if b <= 0 || len(idx) == 0 {
		return nil
	}
	out := make([][]int, 0, (len(idx)+b-1)/b)
	for i := 0; i < len(idx); i += b {
		j := min(i+b, len(idx))
		out = append(out, idx[i:j:j])
	}
	return out
}

package rbm

// Summaries writes TensorBoard summaries of training (see NewSummaries).
type Summaries struct{}

func (s *Summaries) epoch(m *RBM, st EpochStats) error { return nil }

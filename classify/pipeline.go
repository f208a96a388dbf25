package classify

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// Pipeline is a Classifier on mapped features: Fit fits Map on the
// training rows, transforms them and fits Classifier on the result;
// Predict transforms and predicts. With Map an RFF or Nystroem and
// Classifier a LinearSVC it approximates the RBF SVC in time linear in the
// number of rows, as scikit-learn's make_pipeline(RBFSampler(…),
// LinearSVC()) does.
type Pipeline struct {
	Map        FeatureMap
	Classifier Classifier
}

// check returns an ErrArgument error if a field is nil.
func (p *Pipeline) check(what string) error {
	if p.Map == nil || p.Classifier == nil {
		return fmt.Errorf("%s: Map and Classifier must both be set: %w", what, ErrArgument)
	}
	return nil
}

// Fit fits the map on x, then the classifier on the mapped x and y.
func (p *Pipeline) Fit(x *dataset.Matrix[float64], y []int) error {
	const what = "classify: pipeline fit"
	if err := p.check(what); err != nil {
		return err
	}
	if err := p.Map.Fit(x); err != nil {
		return nest.Within(what, err)
	}
	z, err := p.Map.Transform(x)
	if err != nil {
		return nest.Within(what, err)
	}
	if err := p.Classifier.Fit(z, y); err != nil {
		return nest.Within(what, err)
	}
	return nil
}

// Predict maps x and returns the classifier's predictions.
func (p *Pipeline) Predict(x *dataset.Matrix[float64]) ([]int, error) {
	const what = "classify: pipeline predict"
	if err := p.check(what); err != nil {
		return nil, err
	}
	z, err := p.Map.Transform(x)
	if err != nil {
		return nil, nest.Within(what, err)
	}
	pred, err := p.Classifier.Predict(z)
	if err != nil {
		return nil, nest.Within(what, err)
	}
	return pred, nil
}

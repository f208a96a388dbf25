package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/picture"
)

// Sample draws Gibbs chains from a trained RBM or DBM and writes their visible means as a
// picture of tiles (bm sample): PNG, or JPEG for a .jpg or .jpeg name.
type Sample struct {
	// Model is the model folder (or a run folder holding model/).
	Model string
	// Out is the picture's file.
	Out string
	// Chains, Steps and Seed are the chains, their Gibbs steps and their seed. Zero Chains
	// and Steps mean 100 and 1000.
	Chains, Steps int
	Seed          int64
	// Shape is the image shape [height, width, channels] of one visible vector. Nil means
	// [28, 28, 1].
	Shape []int
	// Placement says where the model runs.
	Placement Placement
}

// Run draws the chains and writes the picture; an image shape that does not fit the model is
// a *FieldError on "ImageShape".
func (s Sample) Run(ctx context.Context, h Hooks) error {
	s.Chains, s.Steps, s.Shape = cmp.Or(s.Chains, 100), cmp.Or(s.Steps, 1000), orSlice(s.Shape, []int{28, 28, 1})
	if len(s.Shape) != 3 {
		return fieldErr("ImageShape", "%v, want height, width and channels", s.Shape)
	}
	// A model trained on standardized data samples standardized rows: the picture shows them
	// in the data's own units, the standardization undone once (as bm dbm's samples.png and
	// the SavedModel's sample signature).
	if _, err := ModelKind(s.Model); err != nil {
		return err
	}
	std, err := ModelStandardizer(s.Model)
	if err != nil {
		return err
	}
	m, err := OpenModel(s.Model, s.Placement)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := CheckFinite(s.Model, m); err != nil {
		return err
	}
	if nv := m.Inputs(); s.Shape[0]*s.Shape[1]*s.Shape[2] != nv {
		return fieldErr("ImageShape", "%v has %d values, the model %d visible units", s.Shape, s.Shape[0]*s.Shape[1]*s.Shape[2], nv)
	}
	bar := h.start(Run{Epochs: 1, PerEpoch: s.Steps, Unit: "step", Desc: fmt.Sprintf("%d chains", s.Chains)})
	means, err := m.Sample(ctx, s.Chains, s.Steps, s.Seed, func(done, total int) { bar.Batch(1, min(done, s.Steps), total) })
	bar.Finish()
	if err != nil {
		return err
	}
	if std != nil {
		if err := dataset.Unstandardize(std, means); err != nil {
			return err
		}
		h.logf("the model was trained on standardized data: the samples are shown in the data's units (%s undone)", StandardizerPath(s.Model))
	}
	img, err := picture.Tiles(means.Data, means.Rows, s.Shape[0], s.Shape[1], s.Shape[2], 10, false)
	if err == nil && strings.ToLower(filepath.Ext(s.Out)) == ".png" {
		err = picture.SavePNG(s.Out, picture.Scale(img, 2))
	} else if err == nil {
		err = picture.SaveJPEG(s.Out, picture.Scale(img, 2), 0)
	}
	if err != nil {
		return err
	}
	h.logf("wrote %s", s.Out)
	return nil
}

// Package picture turns model data into PNG files a person would rather
// look at than read: grids of image tiles (receptive fields, samples,
// reconstructions), line charts of training curves and annotated heat
// maps such as confusion matrices.
//
// Tiles and Scale build in-memory images; SavePNG, LineChart and Heatmap
// write files atomically (a temporary file in the target directory, then
// a rename), so a reader never sees a half-written PNG. Charts are drawn
// with gonum.org/v1/plot and its bundled Liberation fonts, so everything
// is pure Go.
//
//	img, err := picture.Tiles(weights, 64, 28, 28, 1, 8, true) // 64 filters of 28×28
//	if err != nil {
//		return err
//	}
//	if err := picture.SavePNG("filters.png", picture.Scale(img, 3)); err != nil {
//		return err
//	}
//	err = picture.LineChart("loss.png", "Reconstruction error", "epoch", "error",
//		picture.Series{Name: "train", X: epochs, Y: train},
//		picture.Series{Name: "validation", X: epochs, Y: valid})
package picture

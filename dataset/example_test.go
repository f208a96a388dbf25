package dataset_test

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/dataset"
)

func ExampleBatches() {
	idx := []int{0, 1, 2, 3, 4, 5, 6}
	fmt.Println(dataset.Batches(idx, 3))
	// Output: [[0 1 2] [3 4 5] [6]]
}

func ExampleShift() {
	im := &dataset.Images{N: 1, Height: 3, Width: 3, Channels: 1, Pix: []uint8{
		1, 2, 3,
		4, 5, 6,
		7, 8, 9,
	}}
	dst := make([]uint8, im.Dim())
	dataset.Shift(im, 0, +1, 0, dst) // one pixel down; the top row is replicated
	fmt.Println(dst[0:3], dst[3:6], dst[6:9])
	dataset.Mirror(im, 0, dst)
	fmt.Println(dst[0:3], dst[3:6], dst[6:9])
	// Output:
	// [1 2 3] [1 2 3] [4 5 6]
	// [3 2 1] [6 5 4] [9 8 7]
}

func ExampleSplit() {
	x := dataset.NewMatrix[float32](10, 1)
	for i := range x.Rows {
		x.Data[i] = float32(i)
	}
	train, val, _, _, err := dataset.Split(x, nil, 6, 2, 42)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(train.Rows, val.Rows)
	_, _, _, _, err = dataset.Split(x, nil, 9, 2, 42)
	fmt.Println(err)
	// Output:
	// 6 2
	// dataset: split: nTrain+nVal = 9+2 exceeds the 10 rows: invalid argument
}

func ExampleLogitMean() {
	x := dataset.NewMatrix[float64](4, 2)
	copy(x.Data, []float64{1, 0, 1, 0, 1, 1, 0, 0}) // column means 0.75 and 0.25
	for _, b := range dataset.LogitMean(x) {
		fmt.Printf("%.4f\n", b)
	}
	// Output:
	// 1.0986
	// -1.0986
}

package dbm

import (
	"math/rand/v2"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
)

func checkData(what string, d tfops.Data, cols int) (int, error) {
	n, err := tfops.CheckData(what, d, cols)
	if err != nil {
		return 0, nest.Within("dbm: ", err)
	}
	return n, nil
}

func rowsTensor(d tfops.Data, i, j int, dt tf.DataType) (*tf.Tensor, error) {
	return tfops.RowsTensor(d, i, j, dt)
}

func newRand(seed int64) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 0x5a391e)) }

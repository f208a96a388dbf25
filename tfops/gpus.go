package tfops

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	pb "github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"
	"google.golang.org/protobuf/proto"
)

// VisibleGPUs counts the GPUs TensorFlow sees in this process (those CUDA_VISIBLE_DEVICES
// leaves, none with a CPU-only libtensorflow), once.
var VisibleGPUs = sync.OnceValues(func() (int, error) {
	// No visible_device_list: every GPU. Growing memory: the probe must not take a GPU's memory.
	cfg, err := proto.Marshal(&pb.ConfigProto{GpuOptions: &pb.GPUOptions{AllowGrowth: true}, IntraOpParallelismThreads: 1, InterOpParallelismThreads: 1})
	if err != nil {
		return 0, err
	}
	s, err := tf.NewSession(tf.NewGraph(), &tf.SessionOptions{Config: cfg})
	if err != nil {
		return 0, fmt.Errorf("listing TensorFlow's devices: %w", err)
	}
	defer s.Close()
	devs, err := s.ListDevices()
	if err != nil {
		return 0, fmt.Errorf("listing TensorFlow's devices: %w", err)
	}
	n := 0
	for _, d := range devs {
		if d.Type == "GPU" {
			n++
		}
	}
	return n, nil
})

// CheckGPUs checks a list of GPU ids ("0", "0,1"; "" is the CPU): its form, and that every id names
// a GPU TensorFlow sees. TensorFlow would otherwise place the model on the CPU without a word
// (soft placement), so that a model asked to run on GPU 99 trained on the CPU.
func CheckGPUs(list string) error {
	if list == "" {
		return nil
	}
	if _, err := ConfigProto(&Options{GPU: list}); err != nil {
		return err
	}
	n, err := VisibleGPUs()
	if err != nil {
		return err
	}
	for _, id := range strings.Split(list, ",") {
		if v, err := strconv.Atoi(id); err != nil || v >= n {
			if n == 0 {
				return fmt.Errorf("GPU %s: TensorFlow sees no GPU here (a CPU-only libtensorflow, or CUDA_VISIBLE_DEVICES hides them): give '' for the CPU", id)
			}
			return fmt.Errorf("GPU %s: TensorFlow sees %d GPU(s), ids 0 to %d", id, n, n-1)
		}
	}
	return nil
}

// Package tfevents writes and reads TensorBoard event files in pure Go,
// without TensorFlow or cgo.
//
// # Overview
//
// An event file is a sequence of TFRecord frames, each holding one
// serialized tensorflow.Event protocol buffer. A frame is
//
//	uint64 length (little endian)
//	uint32 masked CRC-32C of the 8 length bytes
//	length bytes of data
//	uint32 masked CRC-32C of the data
//
// where the mask is ((c>>15)|(c<<17)) + 0xa282ead8 (tensorflow
// core/lib/hash/crc32c.h). The first event of a file carries only the wall
// time and file_version "brain.Event:2"; every later event carries a step
// and a Summary with one value (a scalar, a histogram or a PNG image).
//
// Summary, HistogramProto and Summary_Image come from the generated,
// pure-Go package
// github.com/galeone/tensorflow/tensorflow/go/core/framework/summary_go_proto.
// That module has no Event message, so Event is encoded and decoded here
// with google.golang.org/protobuf/encoding/protowire.
//
// # Writing
//
//	w, err := tfevents.NewWriter("runs/rbm-1")
//	if err != nil {
//		return err
//	}
//	defer w.Close()
//	for step := int64(0); step < epochs; step++ {
//		if err := w.Scalar("train/recon_error", step, loss); err != nil {
//			return err
//		}
//		if err := w.Histogram("weights", step, weights); err != nil {
//			return err
//		}
//	}
//
// Point TensorBoard at the parent directory: tensorboard --logdir runs.
//
// # Reading
//
// ReadFile returns every event of a file after checking both checksums of
// every record; it is meant for tests and small tools.
package tfevents

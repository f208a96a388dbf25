package tfops

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	pb "github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"
	"google.golang.org/protobuf/proto"
)

// An IndexEntry is what a checkpoint's index says of one saved tensor.
type IndexEntry struct {
	DType tf.DataType
	Shape []int64
}

// ErrIndex reports a checkpoint index that is not a well-formed TensorFlow tensor-bundle index.
var ErrIndex = errors.New("malformed checkpoint index")

// tableMagic ends every LevelDB-format table, which a checkpoint's .index file is.
const tableMagic = 0xdb4775248b80fb57

// maxIndexBytes bounds the index files read: the models here save a few dozen tensors (an index
// of about a kilobyte).
const maxIndexBytes = 64 << 20

// ReadIndex reads the index of a TensorFlow checkpoint (<prefix>.index) and returns its tensors'
// dtypes and shapes by name, without reading their data.
func ReadIndex(prefix string) (map[string]IndexEntry, error) {
	path := prefix + ".index"
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxIndexBytes {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d an index of these models can have: %w", path, st.Size(), maxIndexBytes, ErrIndex)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := ParseIndex(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ParseIndex parses the bytes of a checkpoint index: a LevelDB table (footer, index block, data
// blocks of prefix-compressed keys, no compression) whose keys are tensor names and whose values
// are BundleEntryProtos. Every length and offset is checked before it is used.
func ParseIndex(b []byte) (map[string]IndexEntry, error) {
	if len(b) < 48 || binary.LittleEndian.Uint64(b[len(b)-8:]) != tableMagic {
		return nil, fmt.Errorf("no table footer: %w", ErrIndex)
	}
	footer := b[len(b)-48 : len(b)-8]
	var handles [4]uint64
	for i := range handles {
		v, n := binary.Uvarint(footer)
		if n <= 0 {
			return nil, fmt.Errorf("bad footer: %w", ErrIndex)
		}
		handles[i], footer = v, footer[n:]
	}
	index, err := tableBlock(b, handles[2], handles[3])
	if err != nil {
		return nil, fmt.Errorf("index block: %w", err)
	}
	out := map[string]IndexEntry{}
	err = blockEntries(index, func(_ string, v []byte) error {
		off, n := binary.Uvarint(v)
		if n <= 0 {
			return fmt.Errorf("bad block handle: %w", ErrIndex)
		}
		size, m := binary.Uvarint(v[n:])
		if m <= 0 {
			return fmt.Errorf("bad block handle: %w", ErrIndex)
		}
		data, err := tableBlock(b, off, size)
		if err != nil {
			return fmt.Errorf("data block: %w", err)
		}
		return blockEntries(data, func(key string, v []byte) error {
			if key == "" { // the bundle header
				return nil
			}
			var e pb.BundleEntryProto
			if err := proto.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("entry %q: %v: %w", key, err, ErrIndex)
			}
			ie := IndexEntry{DType: tf.DataType(e.Dtype)}
			for _, d := range e.GetShape().GetDim() {
				ie.Shape = append(ie.Shape, d.Size)
			}
			out[key] = ie
			return nil
		})
	})
	return out, err
}

// tableBlock returns the block of size bytes at off, checking its trailer (compression type 0).
func tableBlock(b []byte, off, size uint64) ([]byte, error) {
	if off > uint64(len(b)) || size > uint64(len(b))-off || uint64(len(b))-off-size < 5 {
		return nil, fmt.Errorf("block at %d of %d bytes runs past the file's %d: %w", off, size, len(b), ErrIndex)
	}
	if t := b[off+size]; t != 0 {
		return nil, fmt.Errorf("block at %d is compressed (type %d), unsupported: %w", off, t, ErrIndex)
	}
	return b[off : off+size], nil
}

// blockEntries calls f with the key and value of every entry of a table block.
func blockEntries(block []byte, f func(key string, value []byte) error) error {
	if len(block) < 4 {
		return fmt.Errorf("block of %d bytes: %w", len(block), ErrIndex)
	}
	restarts := uint64(binary.LittleEndian.Uint32(block[len(block)-4:]))
	if restarts > uint64(len(block)-4)/4 {
		return fmt.Errorf("%d restart points in a block of %d bytes: %w", restarts, len(block), ErrIndex)
	}
	data := block[:uint64(len(block))-4-4*restarts]
	var key []byte
	for len(data) > 0 {
		var h [3]uint64
		for i := range h {
			v, n := binary.Uvarint(data)
			if n <= 0 {
				return fmt.Errorf("bad entry header: %w", ErrIndex)
			}
			h[i], data = v, data[n:]
		}
		shared, unshared, vlen := h[0], h[1], h[2]
		if shared > uint64(len(key)) || unshared > uint64(len(data)) || vlen > uint64(len(data))-unshared {
			return fmt.Errorf("entry lengths %d, %d, %d past the block: %w", shared, unshared, vlen, ErrIndex)
		}
		key = append(key[:shared], data[:unshared]...)
		if err := f(string(key), data[unshared:unshared+vlen]); err != nil {
			return err
		}
		data = data[unshared+vlen:]
	}
	return nil
}

// CheckIndex compares the saver's variables with the checkpoint index entries: every variable
// must be there with its dtype and shape. The error names the first that is not.
func (sv *Saver) CheckIndex(entries map[string]IndexEntry) error {
	for _, v := range sv.vars {
		e, ok := entries[v.Name]
		if !ok {
			return fmt.Errorf("the checkpoint has no tensor %s", v.Name)
		}
		same := len(e.Shape) == len(v.Shape) && e.DType == v.DType
		for i := 0; same && i < len(v.Shape); i++ {
			same = e.Shape[i] == v.Shape[i]
		}
		// A declared scalar initialized from a one-element vector (NewTensor's default shape)
		// is saved as [1]: the same single value.
		if len(v.Shape) == 0 && len(e.Shape) == 1 && e.Shape[0] == 1 && e.DType == v.DType {
			same = true
		}
		if !same {
			return fmt.Errorf("%s is %s %v in the model's description but %s %v in the checkpoint", v.Name, DTypeName(v.DType), v.Shape, DTypeName(e.DType), e.Shape)
		}
	}
	return nil
}

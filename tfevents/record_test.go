package tfevents

import (
	"encoding/hex"
	"testing"
)

func TestCRC32C(t *testing.T) {
	// 0x9A71BB4C is CRC-32C("hello") (shared/notes/tf-go.md §2.10);
	// 0x191C1FBB is its masked form as computed by tensorboard 2.21.0's
	// compat/tensorflow_stub/pywrap_tensorflow.masked_crc32c.
	if got, want := crc32c([]byte("hello")), uint32(0x9A71BB4C); got != want {
		t.Errorf("crc32c(%q) = %#08x, want %#08x", "hello", got, want)
	}
	if got, want := maskedCRC([]byte("hello")), uint32(0x191C1FBB); got != want {
		t.Errorf("maskedCRC(%q) = %#08x, want %#08x", "hello", got, want)
	}
	// The mask of 0 is the mask delta itself.
	if got, want := maskCRC(0), uint32(0xa282ead8); got != want {
		t.Errorf("maskCRC(0) = %#08x, want %#08x", got, want)
	}
}

func TestAppendRecordGolden(t *testing.T) {
	// Bytes written by tensorboard 2.21.0's
	// summary/writer/record_writer.RecordWriter for the payload "abc":
	// length 3, masked CRC 0x0E4999B0 of the length, "abc", masked CRC
	// 0x21F1576E of "abc".
	const want = "0300000000000000" + "b099490e" + "616263" + "6e57f121"
	got := hex.EncodeToString(appendRecord(nil, []byte("abc")))
	if got != want {
		t.Errorf("appendRecord(%q) = %s, want %s", "abc", got, want)
	}
	// appendRecord must append, not overwrite.
	prefix := []byte{0xff}
	out := appendRecord(prefix, []byte("abc"))
	if out[0] != 0xff || hex.EncodeToString(out[1:]) != want {
		t.Errorf("appendRecord with prefix = %x, want ff%s", out, want)
	}
}

package tfevents

import (
	"encoding/binary"
	"hash/crc32"
)

// castagnoli is the CRC-32C table used by TFRecord framing.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crcMaskDelta is the constant added when masking a CRC
// (tensorflow/core/lib/hash/crc32c.h, kMaskDelta).
const crcMaskDelta = 0xa282ead8

// headerLen is the size of a record header: length plus its masked CRC.
const headerLen = 8 + 4

// footerLen is the size of a record footer: the masked CRC of the data.
const footerLen = 4

// crc32c returns the CRC-32C (Castagnoli) checksum of b.
func crc32c(b []byte) uint32 {
	return crc32.Checksum(b, castagnoli)
}

// maskCRC masks a CRC so that CRCs of data that itself contains CRCs stay
// well distributed, as TensorFlow's crc32c::Mask does.
func maskCRC(c uint32) uint32 {
	return ((c >> 15) | (c << 17)) + crcMaskDelta
}

// maskedCRC returns the masked CRC-32C of b.
func maskedCRC(b []byte) uint32 {
	return maskCRC(crc32c(b))
}

// appendRecord appends one TFRecord frame holding data to dst.
func appendRecord(dst, data []byte) []byte {
	var hdr [headerLen]byte
	binary.LittleEndian.PutUint64(hdr[:8], uint64(len(data)))
	binary.LittleEndian.PutUint32(hdr[8:], maskedCRC(hdr[:8]))
	dst = append(dst, hdr[:]...)
	dst = append(dst, data...)
	return binary.LittleEndian.AppendUint32(dst, maskedCRC(data))
}

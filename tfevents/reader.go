package tfevents

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// ReadFile reads every event of the event file at path. It checks the
// masked CRC-32C of each record's length and of its data before decoding.
// A record that ends before its declared length or footer is an error
// wrapping ErrTruncated; a checksum mismatch or an undecodable Event is an
// error wrapping ErrCorrupt. Both name the file and the byte offset of the
// offending record, and are returned with the events decoded before it.
// The whole file is decoded into memory, so ReadFile suits tests and tools
// rather than multi-gigabyte logs.
func ReadFile(path string) ([]Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nest.Within("tfevents: ", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nest.Within("tfevents: ", err)
	}
	events, err := readEvents(bufio.NewReader(f), fi.Size())
	if err != nil {
		return events, nest.Within(fmt.Sprintf("tfevents: %s", path), err)
	}
	return events, nil
}

// readEvents decodes the records of r, which holds size bytes.
func readEvents(r io.Reader, size int64) ([]Event, error) {
	var events []Event
	_, err := eachRecord(r, size, func(off int64, body []byte) error {
		e, err := unmarshalEvent(body)
		if err != nil {
			return fmt.Errorf("offset %d: event: %w: %w", off, err, ErrCorrupt)
		}
		events = append(events, e)
		return nil
	})
	return events, err
}

// eachRecord checks the framing and both checksums of every record of r (size bytes), calls
// body, if not nil, with each intact record's offset and data (valid until the next call), and
// returns the length of the intact prefix: the whole size, or the offset of the first record that
// is cut short (ErrTruncated), does not match its checksum (ErrCorrupt) or that body refuses.
func eachRecord(r io.Reader, size int64, body func(off int64, data []byte) error) (int64, error) {
	var (
		off  int64
		hdr  [headerLen]byte
		data []byte
	)
	for {
		n, err := io.ReadFull(r, hdr[:])
		if err == io.EOF {
			return off, nil
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return off, fmt.Errorf("offset %d: header has %d of %d bytes: %w", off, n, headerLen, ErrTruncated)
		}
		if err != nil {
			return off, fmt.Errorf("offset %d: %w", off, err)
		}
		length := binary.LittleEndian.Uint64(hdr[:8])
		if got, want := binary.LittleEndian.Uint32(hdr[8:]), maskedCRC(hdr[:8]); got != want {
			return off, fmt.Errorf("offset %d: length crc %#08x, want %#08x: %w", off, got, want, ErrCorrupt)
		}
		rest := size - off - headerLen
		if rest < 0 || length > uint64(rest) || uint64(rest)-length < footerLen {
			return off, fmt.Errorf("offset %d: record of %d bytes but only %d bytes left: %w", off, length, max(rest, 0), ErrTruncated)
		}
		if uint64(cap(data)) < length+footerLen {
			data = make([]byte, length+footerLen)
		}
		data = data[:length+footerLen]
		if _, err := io.ReadFull(r, data); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
				return off, fmt.Errorf("offset %d: %w", off, ErrTruncated)
			}
			return off, fmt.Errorf("offset %d: %w", off, err)
		}
		if got, want := binary.LittleEndian.Uint32(data[length:]), maskedCRC(data[:length]); got != want {
			return off, fmt.Errorf("offset %d: data crc %#08x, want %#08x: %w", off, got, want, ErrCorrupt)
		}
		if body != nil {
			if err := body(off, data[:length]); err != nil {
				return off, err
			}
		}
		off += headerLen + int64(length) + footerLen
	}
}

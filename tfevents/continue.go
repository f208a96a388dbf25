package tfevents

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// filePrefix starts the name of every event file NewWriter creates.
const filePrefix = "events.out.tfevents."

// Continue returns a Writer that appends to the newest event file in dir (the one modified
// last), so that a run resumed after an interruption keeps one event file per directory
// instead of starting another each time. A record cut short at the end of that file (a
// process killed while writing) is cut off first. When dir holds no event file, or its newest
// one is corrupt before its end (a checksum that does not match), Continue creates a new file
// as NewWriter does.
func Continue(dir string) (*Writer, error) {
	path, err := newestEventFile(dir)
	if err != nil {
		return nil, fmt.Errorf("tfevents: continue %s: %w", dir, err)
	}
	if path != "" {
		w, err := appendTo(path)
		if err == nil {
			return w, nil
		}
		if !errors.Is(err, ErrCorrupt) {
			return nil, fmt.Errorf("tfevents: continue %s: %w", path, err)
		}
		// A corrupt file is left as it is, for a reader to report; the run goes on in a new one.
	}
	return NewWriter(dir)
}

// newestEventFile returns the event file in dir modified last, or "" when there is none (or
// dir does not exist).
func newestEventFile(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var newest string
	var newestInfo os.FileInfo
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), filePrefix) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if newestInfo == nil || info.ModTime().After(newestInfo.ModTime()) ||
			info.ModTime().Equal(newestInfo.ModTime()) && e.Name() > filepath.Base(newest) {
			newest, newestInfo = filepath.Join(dir, e.Name()), info
		}
	}
	return newest, nil
}

// appendTo opens the event file at path for appending, after cutting off a truncated last
// record. A checksum mismatch is an error wrapping ErrCorrupt.
func appendTo(path string) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	good, err := scanRecords(bufio.NewReaderSize(f, 64<<10), fi.Size())
	if err != nil && !errors.Is(err, ErrTruncated) {
		f.Close()
		return nil, err
	}
	if good == 0 { // not even the file_version event: nothing to continue
		f.Close()
		return nil, fmt.Errorf("no complete record: %w", ErrCorrupt)
	}
	if good < fi.Size() {
		if err := f.Truncate(good); err != nil {
			f.Close()
			return nil, err
		}
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return &Writer{path: path, file: f, buf: bufio.NewWriterSize(f, 64<<10), now: time.Now}, nil
}

// scanRecords checks the framing and both checksums of every record of r (size bytes) without
// decoding them, and returns the length of the intact prefix: the whole size, or the offset of
// the record that is cut short (ErrTruncated) or does not match its checksum (ErrCorrupt).
func scanRecords(r io.Reader, size int64) (int64, error) {
	var (
		off  int64
		hdr  [headerLen]byte
		data []byte
	)
	for {
		_, err := io.ReadFull(r, hdr[:])
		if err == io.EOF {
			return off, nil
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return off, fmt.Errorf("offset %d: %w", off, ErrTruncated)
		}
		if err != nil {
			return off, err
		}
		length := binary.LittleEndian.Uint64(hdr[:8])
		if binary.LittleEndian.Uint32(hdr[8:]) != maskedCRC(hdr[:8]) {
			return off, fmt.Errorf("offset %d: length crc: %w", off, ErrCorrupt)
		}
		rest := size - off - headerLen
		if rest < 0 || length > uint64(rest) || uint64(rest)-length < footerLen {
			return off, fmt.Errorf("offset %d: %w", off, ErrTruncated)
		}
		if uint64(cap(data)) < length+footerLen {
			data = make([]byte, length+footerLen)
		}
		data = data[:length+footerLen]
		if _, err := io.ReadFull(r, data); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
				return off, fmt.Errorf("offset %d: %w", off, ErrTruncated)
			}
			return off, err
		}
		if binary.LittleEndian.Uint32(data[length:]) != maskedCRC(data[:length]) {
			return off, fmt.Errorf("offset %d: data crc: %w", off, ErrCorrupt)
		}
		off += headerLen + int64(length) + footerLen
	}
}

// ContinueRuns is NewRuns continuing the newest event file of <dir>/train and of <dir>/val
// (Continue).
func ContinueRuns(dir string) (*Runs, error) {
	train, err := Continue(filepath.Join(dir, "train"))
	if err != nil {
		return nil, err
	}
	val, err := Continue(filepath.Join(dir, "val"))
	if err != nil {
		train.Close()
		return nil, err
	}
	return &Runs{Train: train, Val: val}, nil
}

package tfevents

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/internal/nest"
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
		return nil, nest.Within(fmt.Sprintf("tfevents: continue %s", dir), err)
	}
	if path != "" {
		w, err := appendTo(path)
		if err == nil {
			return w, nil
		}
		if !errors.Is(err, ErrCorrupt) {
			return nil, nest.Within(fmt.Sprintf("tfevents: continue %s", path), err)
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
	good, err := eachRecord(bufio.NewReaderSize(f, 64<<10), fi.Size(), nil)
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

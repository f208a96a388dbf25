// Package atomicfile writes files so that a reader, or a crash, never sees half of one: the
// content goes to a temporary file in the same directory, which is synced and then renamed
// over the target.
package atomicfile

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Write calls write with a buffered writer on a temporary file beside path, then flushes,
// syncs, closes and renames it to path (mode 0644). On any error the temporary file is removed
// and path is left as it was. Once path is written, the temporary files that interrupted
// Writes of path left beside it are removed (so two Writes of one path must not run at once).
func Write(path string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	removeStaleOf(dir, base)
	return SyncDir(dir)
}

// removeStaleOf removes the temporary files of earlier Writes of dir/base that were
// interrupted (".<base>.tmp-*"): path now holds a complete file, and they would otherwise stay
// beside it for good.
func removeStaleOf(dir, base string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := "." + base + ".tmp-"
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), prefix) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// SyncDir syncs the directory dir, so that a rename or a new file in it survives a crash.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// SyncFile syncs the file at path to stable storage.
func SyncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// RemoveStale removes the temporary files an interrupted Write left in dir (".<name>.tmp-*").
func RemoveStale(dir string) {
	left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	for _, f := range left {
		os.Remove(f)
	}
}

// WriteFile writes data to path atomically (see Write).
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

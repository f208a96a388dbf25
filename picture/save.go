package picture

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
)

// SavePNG encodes img as PNG and writes it to path atomically: the bytes
// go to a temporary file in the same directory, which is synced and then
// renamed over path. The directory must exist. The file gets mode 0644.
func SavePNG(path string, img image.Image) error {
	if img == nil {
		return errors.New("picture: save png: image is nil")
	}
	return writeAtomic(path, func(w io.Writer) error {
		if err := png.Encode(w, img); err != nil {
			return fmt.Errorf("encode png: %w", err)
		}
		return nil
	})
}

// writeAtomic calls write with a buffered writer to a temporary file next
// to path, then syncs, closes and renames it to path. On any error the
// temporary file is removed and path is left as it was.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("picture: %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		return fmt.Errorf("picture: %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("picture: %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("picture: %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("picture: %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("picture: %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("picture: %s: %w", path, err)
	}
	return nil
}

package picture

import (
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/internal/nest"
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

// SaveJPEG encodes img as JPEG of the given quality (1–100; 0 means 95)
// and writes it to path atomically, as SavePNG does.
func SaveJPEG(path string, img image.Image, quality int) error {
	if img == nil {
		return errors.New("picture: save jpeg: image is nil")
	}
	if quality == 0 {
		quality = 95
	}
	if quality < 1 || quality > 100 {
		return fmt.Errorf("picture: save jpeg: quality %d, want 1…100", quality)
	}
	return writeAtomic(path, func(w io.Writer) error {
		if err := jpeg.Encode(w, img, &jpeg.Options{Quality: quality}); err != nil {
			return fmt.Errorf("encode jpeg: %w", err)
		}
		return nil
	})
}

// writeAtomic writes path atomically (package atomicfile), prefixing errors with the path.
func writeAtomic(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return nest.Within(fmt.Sprintf("picture: %s", path), err)
	}
	return nil
}

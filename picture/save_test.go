package picture

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// decodePNG opens and decodes the PNG at path.
func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return img
}

// noTempFiles fails if dir holds anything but the named files.
func noTempFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only %v", names, want)
	}
}

func TestSavePNGRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.png")
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for y := 0; y < 2; y++ {
		for x := 0; x < 3; x++ {
			src.SetRGBA(x, y, color.RGBA{uint8(80 * x), uint8(120 * y), 7, 255})
		}
	}
	// Write twice: the second write replaces the first atomically.
	if err := SavePNG(path, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	if err := SavePNG(path, src); err != nil {
		t.Fatal(err)
	}
	got := decodePNG(t, path)
	if got.Bounds() != src.Bounds() {
		t.Fatalf("bounds %v, want %v", got.Bounds(), src.Bounds())
	}
	for y := 0; y < 2; y++ {
		for x := 0; x < 3; x++ {
			if color.RGBAModel.Convert(got.At(x, y)) != src.RGBAAt(x, y) {
				t.Errorf("pixel (%d,%d) = %v, want %v", x, y, got.At(x, y), src.RGBAAt(x, y))
			}
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	noTempFiles(t, dir, "out.png")
}

func TestSavePNGErrors(t *testing.T) {
	dir := t.TempDir()
	if err := SavePNG(filepath.Join(dir, "nil.png"), nil); err == nil {
		t.Error("SavePNG(nil) succeeded, want error")
	}
	if err := SavePNG(filepath.Join(dir, "missing", "x.png"), image.NewGray(image.Rect(0, 0, 1, 1))); err == nil {
		t.Error("SavePNG into a missing directory succeeded, want error")
	}
	// An empty image cannot be encoded; the old file must survive and no
	// temporary file may be left behind.
	path := filepath.Join(dir, "keep.png")
	if err := SavePNG(path, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	if err := SavePNG(path, image.NewGray(image.Rect(0, 0, 0, 0))); err == nil {
		t.Error("SavePNG(empty image) succeeded, want error")
	}
	if got := decodePNG(t, path).Bounds().Size(); got != image.Pt(2, 2) {
		t.Errorf("old file now %v, want 2×2", got)
	}
	noTempFiles(t, dir, "keep.png")
}

package dataset

import (
	"reflect"
	"testing"
)

// An AnonymousMatrix filled by ToMatrixIn holds what ToMatrix returns.
func TestAnonymousMatrix(t *testing.T) {
	im := &Images{N: 3, Height: 2, Width: 2, Channels: 1, Pix: []uint8{0, 1, 2, 3, 255, 128, 7, 9, 10, 11, 12, 254}}
	m, free, err := AnonymousMatrix[float32](3, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer free()
	if err := ToMatrixIn(m, im); err != nil {
		t.Fatal(err)
	}
	if want := ToMatrix[float32](im); !reflect.DeepEqual(m, want) {
		t.Errorf("ToMatrixIn(AnonymousMatrix) = %v, want %v", m, want)
	}
	if err := ToMatrixIn(NewMatrix[float32](3, 3), im); err == nil {
		t.Error("ToMatrixIn into a 3×3 matrix: no error")
	}
	if _, _, err := AnonymousMatrix[float32](-1, 2); err == nil {
		t.Error("AnonymousMatrix(-1, 2): no error")
	}
}

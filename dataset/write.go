package dataset

import (
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
)

// WriteMatrix writes m to path by its name, atomically: as .npy (float32), or as CSV for a
// .csv name (shortest float32 decimals). Another name is an error.
func WriteMatrix(path string, m *Matrix[float32]) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		return WriteNPY(path, m)
	case ".csv":
		return atomicfile.Write(path, func(w io.Writer) error {
			cw := csv.NewWriter(w)
			rec := make([]string, m.Cols)
			for i := 0; i < m.Rows; i++ {
				for j, v := range m.Row(i) {
					rec[j] = strconv.FormatFloat(float64(v), 'g', -1, 32)
				}
				if err := cw.Write(rec); err != nil {
					return err
				}
			}
			cw.Flush()
			return cw.Error()
		})
	}
	return fmt.Errorf("%s: want a .npy or .csv file name", path)
}

package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ReadCSV reads a numeric CSV file (comma-separated, one row per line, every row with the same
// number of fields) into a matrix. A first line whose fields are not all numbers is a header
// and is skipped. An empty field, a field that is not a number, or a row of another length is
// an error naming its line and column. Errors name the file.
func ReadCSV[T Float](path string) (*Matrix[T], error) {
	f, _, err := openSized(path)
	if err != nil {
		return nil, fileErr(path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1 // checked here, with the line named
	r.ReuseRecord = true
	m := &Matrix[T]{}
	for line := 1; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fileErr(path, fmt.Errorf("csv: %v: %w", err, ErrFormat))
		}
		vals := make([]T, len(rec))
		bad := -1
		for j, s := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				bad = j
				break
			}
			vals[j] = T(v)
		}
		if bad >= 0 {
			if line == 1 {
				continue // a header
			}
			return nil, fileErr(path, fmt.Errorf("csv: line %d column %d: %q is not a number: %w", line, bad+1, rec[bad], ErrFormat))
		}
		if m.Rows == 0 {
			m.Cols = len(vals)
		} else if len(vals) != m.Cols {
			return nil, fileErr(path, fmt.Errorf("csv: line %d has %d fields, the rows before it %d: %w", line, len(vals), m.Cols, ErrShape))
		}
		m.Data = append(m.Data, vals...)
		m.Rows++
	}
	if m.Rows == 0 {
		return nil, fileErr(path, fmt.Errorf("csv: no numeric rows: %w", ErrFormat))
	}
	return m, nil
}

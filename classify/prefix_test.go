package classify

import (
	"strings"
	"testing"
)

// TestNoDoubledPrefix checks that an error names the package once: "classify: logreg predict:
// not fitted", not "classify: logreg predict: classify: not fitted" (issue 26).
func TestNoDoubledPrefix(t *testing.T) {
	x, y := blobs(20, 3, 2, 5, 71)
	bad := append([]int(nil), y...)
	bad[0] = -1
	for name, c := range classifiers() {
		_, err := c.Predict(x)
		checkErr(t, name+": Predict before Fit", err, ErrNotFitted)
		checkErr(t, name+": Fit with label −1", c.Fit(x, bad), ErrValue)
		for _, e := range []error{err, c.Fit(x, bad)} {
			if e != nil && strings.Count(e.Error(), "classify:") != 1 {
				t.Errorf("%s: %q names the package more than once", name, e)
			}
		}
	}
}

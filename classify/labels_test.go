package classify

import (
	"strings"
	"testing"
)

// TestHugeLabelRefused (issue 29, point 3): one label of 1,000,000 (a corrupt labels file) is
// refused by every classifier with its row, before anything is sized by it, and Confusion and
// ConfusionPNG refuse a number of classes above MaxClasses instead of allocating k² counts.
func TestHugeLabelRefused(t *testing.T) {
	x, y := blobs(20, 3, 2, 5, 71)
	huge := append([]int(nil), y...)
	huge[3] = 1_000_000
	for name, c := range classifiers() {
		if lr, ok := c.(*LogReg); ok {
			lr.MaxIter = 2 // keeps today's code, which fits a million classes, from taking minutes
		}
		err := c.Fit(x, huge)
		checkErr(t, name+": label 1,000,000", err, ErrValue)
		if err != nil && !strings.Contains(err.Error(), "row 3") {
			t.Errorf("%s: %v does not name row 3", name, err)
		}
	}
	for name, c := range map[string]Classifier{
		"knn":    &KNN{K: 3, Classes: MaxClasses + 1},
		"logreg": &LogReg{Classes: MaxClasses + 1, MaxIter: 2},
		"svc":    &SVC{C: 1, Classes: MaxClasses + 1},
		"linear": &LinearSVC{Seed: 1, Classes: MaxClasses + 1},
	} {
		checkErr(t, name+": Classes above MaxClasses", c.Fit(x, y), ErrArgument)
	}
	_, err := Confusion([]int{0, 1}, []int{1, 0}, 1_000_001)
	checkErr(t, "Confusion with k = 1,000,001", err, ErrArgument)
	err = ConfusionPNG(t.TempDir()+"/c.png", "", nil, 1_000_001)
	checkErr(t, "ConfusionPNG with k = 1,000,001", err, ErrArgument)
}

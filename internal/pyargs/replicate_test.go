package pyargs

import (
	"reflect"
	"strings"
	"testing"
)

func TestReplicate(t *testing.T) {
	for _, tc := range []struct {
		in      []int
		n       int
		want    []int
		wantErr string
	}{
		{[]int{7}, 3, []int{7, 7, 7}, ""},
		{[]int{1, 2, 3}, 3, []int{1, 2, 3}, ""},
		{[]int{4}, 1, []int{4}, ""},
		{[]int{1, 2}, 2, []int{1, 2}, ""},
		{[]int{1, 2}, 3, nil, "got 2 values, want 1 or 3"},
		{[]int{1, 2, 3, 4}, 3, nil, "got 4 values, want 1 or 3"},
		{nil, 3, nil, "got 0 values, want 1 or 3"},
		{[]int{1, 2}, 1, nil, "got 2 values, want 1"},
		{[]int{1}, 0, nil, "want a positive count"},
		{[]int{1}, -2, nil, "want a positive count"},
	} {
		got, err := Replicate(tc.in, tc.n)
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("Replicate(%v, %d) = %v, %v; want error %q", tc.in, tc.n, got, err, tc.wantErr)
		case tc.wantErr == "" && (err != nil || !reflect.DeepEqual(got, tc.want)):
			t.Errorf("Replicate(%v, %d) = %v, %v; want %v", tc.in, tc.n, got, err, tc.want)
		}
	}
}

func TestReplicateDoesNotAlias(t *testing.T) {
	in := []float64{1, 2, 3}
	out, err := Replicate(in, 3)
	if err != nil {
		t.Fatal(err)
	}
	out[0] = 9
	if in[0] != 1 {
		t.Errorf("Replicate returned a slice sharing memory with its input")
	}
}

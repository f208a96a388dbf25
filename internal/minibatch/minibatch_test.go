package minibatch

import (
	"reflect"
	"testing"
)

func TestRuns(t *testing.T) {
	b := [][]int{{0, 1}, {2, 3}, {4, 5}, {6, 7}, {8, 9}, {10}}
	got := Runs(b, 2, 2)
	want := [][][]int{{{0, 1}, {2, 3}}, {{4, 5}, {6, 7}}, {{8, 9}}, {{10}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Runs = %v, want %v", got, want)
	}
	if got := Runs(b, 2, 1); len(got) != 6 {
		t.Errorf("one per run: %d runs, want 6", len(got))
	}
	idx, err := Indices(want[0])
	if err != nil {
		t.Fatal(err)
	}
	if s := idx.Shape(); len(s) != 2 || s[0] != 2 || s[1] != 2 {
		t.Errorf("Indices shape %v, want [2 2]", s)
	}
	if v := idx.Value().([][]int32); v[1][1] != 3 {
		t.Errorf("Indices = %v", v)
	}
}

func TestLocal(t *testing.T) {
	rows, idx, err := Local([][]int{{7, 3}, {9, 0}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, []int{7, 3, 9, 0}) || !reflect.DeepEqual(idx.Value(), [][]int32{{0, 1}, {2, 3}}) {
		t.Errorf("Local = %v, %v; want rows 7 3 9 0 read as 0 1 / 2 3", rows, idx.Value())
	}
}

func TestSequential(t *testing.T) {
	if got := Sequential(5, 2); !reflect.DeepEqual(got, [][]int{{0, 1}, {2, 3}, {4}}) {
		t.Errorf("Sequential(5, 2) = %v", got)
	}
	if got := Sequential(0, 3); len(got) != 0 {
		t.Errorf("Sequential(0, 3) = %v", got)
	}
}

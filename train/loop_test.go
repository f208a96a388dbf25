package train

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
)

type fakeStats struct {
	epoch    int
	loss, lr float64
}

func (s fakeStats) Scalars() map[string]float64 {
	return map[string]float64{"train/loss": s.loss, "learning_rate": s.lr}
}

// fake is a model whose weight becomes w·2^epoch, NaN from epoch nanAt on (0: never), and
// whose loss is infinite at epoch infLossAt.
type fake struct {
	epoch, nanAt, infLossAt int
	w                       float64
	saved                   []int
}

func (f *fake) Epoch() int { return f.epoch }

func (f *fake) TrainEpoch(ctx context.Context, onBatch func(done, total int)) (fakeStats, error) {
	for b := 1; b <= 3; b++ {
		if err := ctx.Err(); err != nil {
			return fakeStats{}, err
		}
		onBatch(b, 3)
	}
	f.epoch++
	f.w *= 2
	if f.nanAt > 0 && f.epoch >= f.nanAt {
		f.w = math.NaN()
	}
	loss := 1 / float64(f.epoch)
	if f.epoch == f.infLossAt {
		loss = math.Inf(1)
	}
	return fakeStats{f.epoch, loss, 0.5}, nil
}

func (f *fake) State() ([]Tensor, error) {
	return []Tensor{{Name: "bias", Shape: []int{1}, Values: []float64{1}}, {Name: "weights/W", Shape: []int{2}, Values: []float64{0, f.w}}}, nil
}

func (f *fake) Save(dir string) error {
	f.saved = append(f.saved, f.epoch)
	return nil
}

func TestRunTrainsSavesAndCallsHooksInOrder(t *testing.T) {
	f := &fake{w: 1, epoch: 1} // resumed after epoch 1
	var order []string
	var bars [][3]int
	st, err := Run[fakeStats](context.Background(), f, Options[fakeStats]{
		Epochs: 4, Dir: "d",
		BeforeSave: []func(fakeStats) error{func(s fakeStats) error {
			if len(f.saved) != s.epoch-2 { // called before this epoch's save
				t.Errorf("BeforeSave of epoch %d after %d saves", s.epoch, len(f.saved))
			}
			order = append(order, "s")
			return nil
		}},
		OnBatch: func(e, d, n int) { bars = append(bars, [3]int{e, d, n}) },
		OnEpoch: []func(fakeStats) error{
			func(s fakeStats) error { order = append(order, "a"); return nil },
			func(s fakeStats) error { order = append(order, "b"); return nil },
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 3 || st[0].epoch != 2 || st[2].epoch != 4 {
		t.Fatalf("stats %v, want epochs 2, 3, 4", st)
	}
	if got := strings.Join(order, ""); got != "sabsabsab" {
		t.Errorf("hooks ran %q, want sabsabsab", got)
	}
	if len(f.saved) != 3 || f.saved[0] != 2 || f.saved[2] != 4 {
		t.Errorf("saved after epochs %v, want [2 3 4]", f.saved)
	}
	if len(bars) != 9 || bars[0] != [3]int{2, 1, 3} || bars[8] != [3]int{4, 3, 3} {
		t.Errorf("progress %v", bars)
	}
}

func TestRunStopsOnDivergenceKeepingTheLastFiniteEpoch(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    *fake
		want string
	}{
		{"weights", &fake{w: 1, nanAt: 3}, "at epoch 3: weights/W holds 1 non-finite values of 2 (the first, at 1, is NaN) (the learning rate 0.5 is likely too large)"},
		{"loss", &fake{w: 1, infLossAt: 2}, "at epoch 2: train/loss is +Inf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hooks := 0
			st, err := Run[fakeStats](context.Background(), tc.f, Options[fakeStats]{Epochs: 5, Dir: "d",
				OnEpoch: []func(fakeStats) error{func(fakeStats) error { hooks++; return nil }}})
			if !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want ErrDiverged with %q", err, tc.want)
			}
			last := tc.f.epoch - 1
			if len(st) != last || hooks != last || len(tc.f.saved) != last {
				t.Errorf("%d stats, %d hooks, saved %v: want the %d epochs before the divergence", len(st), hooks, tc.f.saved, last)
			}
		})
	}
}

func TestRunStopsOnHookErrorAndCancel(t *testing.T) {
	stop := errors.New("stop")
	f := &fake{w: 1}
	st, err := Run[fakeStats](context.Background(), f, Options[fakeStats]{Epochs: 5,
		OnEpoch: []func(fakeStats) error{func(s fakeStats) error {
			if s.epoch == 2 {
				return stop
			}
			return nil
		}}})
	if !errors.Is(err, stop) || len(st) != 2 {
		t.Errorf("hook error: %v after %d epochs, want stop after 2", err, len(st))
	}
	st, err = Run[fakeStats](context.Background(), &fake{w: 1}, Options[fakeStats]{Epochs: 5,
		OnEpoch: []func(fakeStats) error{func(s fakeStats) error {
			if s.epoch == 3 {
				return ErrStop
			}
			return nil
		}}})
	if err != nil || len(st) != 3 {
		t.Errorf("ErrStop: %v after %d epochs, want nil after 3", err, len(st))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run[fakeStats](ctx, &fake{w: 1}, Options[fakeStats]{Epochs: 5}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestScheduleAndConfigError(t *testing.T) {
	s := []float64{0.5, 0.6, 0.9}
	for e, want := range map[int]float64{0: 0.5, 1: 0.5, 2: 0.6, 3: 0.9, 40: 0.9} {
		if got := At(s, e); got != want {
			t.Errorf("At(%v, %d) = %g, want %g", s, e, got, want)
		}
	}
	ok := func(v float64) bool { return v >= 0 && v < 1 }
	if err := CheckSchedule("rbm", "Momentum", s, ok, "want 0 ≤ m < 1"); err != nil {
		t.Error(err)
	}
	err := CheckSchedule("rbm", "Momentum", []float64{0.5, 1.5}, ok, "want 0 ≤ m < 1")
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "Momentum[1]" || !errors.Is(err, ErrConfig) ||
		err.Error() != "rbm: config: Momentum[1]: 1.5, want 0 ≤ m < 1" {
		t.Errorf("bad value: %v", err)
	}
	if err := CheckSchedule[int]("dbm", "GibbsSteps", nil, func(int) bool { return true }, ""); err == nil {
		t.Error("empty schedule accepted")
	}
}

// TestRamps checks Geom against the values of numpy's geomspace(2e-3, 5e-6, 400) that the
// specification quotes for the original's DBM schedule, and Lin against linspace.
func TestRamps(t *testing.T) {
	g := Geom(2e-3, 5e-6, 400)
	for i, want := range map[int]float64{0: 2e-3, 1: 1.970e-3, 100: 4.455e-4, 200: 9.93e-5, 399: 5e-6} {
		if math.Abs(g[i]-want) > 5e-4*want {
			t.Errorf("Geom[%d] = %.5g, want %.4g", i, g[i], want)
		}
	}
	if l := Lin(0, 1, 5); l[1] != 0.25 || l[4] != 1 || len(l) != 5 {
		t.Errorf("Lin(0, 1, 5) = %v", l)
	}
	if l := Lin(3, 9, 1); len(l) != 1 || l[0] != 3 {
		t.Errorf("Lin(3, 9, 1) = %v", l)
	}
}

// cheap is a fake whose State must not be read while AllFinite says all is finite.
type cheap struct{ *fake }

func (c cheap) AllFinite() (bool, error) { return !math.IsNaN(c.w), nil }

func (c cheap) State() ([]Tensor, error) {
	if !math.IsNaN(c.w) {
		return nil, errors.New("State read although AllFinite said all is finite")
	}
	return c.fake.State()
}

func TestDivergedAsksFiniteReporterFirst(t *testing.T) {
	c := cheap{&fake{w: 1, nanAt: 3}}
	_, err := Run[fakeStats](context.Background(), c, Options[fakeStats]{Epochs: 5})
	if !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), "weights/W") {
		t.Errorf("Run = %v, want the divergence at epoch 3 named by State", err)
	}
}

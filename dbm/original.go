package dbm

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// roleValParticle seeds the particle sweeps of the original's validation side effects
// (Config.SideEffects): + 1000·sweep + layer, above the roles of train.go.
const roleValParticle uint64 = 700000

// sideOps are the ops of one validation minibatch with the original's side effects.
type sideOps struct {
	x, step   tf.Output // fed: BatchSize rows, and the seed counter of the particle sweeps
	msre, nmf tf.Output
	done      *tf.Operation
}

// validationOp returns, built on first use for k Gibbs sweeps, the original's validation step
// (dbm.py: its msre and n_mf_updates sit under the train op's control dependencies): the mean
// field of the fed rows, from and into the stored μ with MeanFieldPrevious, the particles
// advanced by k sweeps, and the reconstruction error of μ — no parameter changes.
func (m *DBM) validationOp(k int) (*sideOps, error) {
	if o, ok := m.side[k]; ok {
		return o, nil
	}
	c, n, v := m.cfg, m.net, m.vars
	s := m.scope.SubScope("original_validation")
	o := &sideOps{
		x:    op.Placeholder(s.SubScope("x"), c.DType, op.PlaceholderShape(tf.MakeShape(-1, int64(c.Sizes[0])))),
		step: op.Placeholder(s.SubScope("step"), tf.Int64, op.PlaceholderShape(tf.ScalarShape())),
	}
	p := m.readParams(s)
	parts := readLayers(s, v.particles)
	var mu []tf.Output
	mu, o.nmf = n.meanFieldFrom(s, p, o.x, readLayers(s, v.mu), c.MeanFieldSteps, c.MeanFieldTol)
	parts = m.advance(s.SubScope("particles"), p, parts, k, m.seeder(roleValParticle, o.step))
	rs := s.SubScope("recon")
	recon := n.units[0].Mean(rs, n.input(rs, p, mu, 0), p.b[0])
	o.msre = tfops.Mean(rs, op.Square(rs, op.Sub(rs, o.x, recon)))
	w := s.SubScope("write")
	assigns := append(assignLayers(w, v.mu, mu), assignLayers(w, v.particles, parts)...)
	o.done = op.NoOp(s.WithControlDependencies(assigns...).SubScope("done"))
	if err := m.scope.Err(); err != nil {
		return nil, nest.Within("dbm: build validation graph", err)
	}
	if m.side == nil {
		m.side = map[int]*sideOps{}
	}
	m.side[k] = o
	return o, nil
}

// meansOp returns, built on first use, the op that replaces the persistent particles by one
// deterministic sweep of their means: the side effect of the original's display_particles
// summary, evaluated every train_metrics_every_iter updates.
func (m *DBM) meansOp() (*tf.Operation, error) {
	if m.means != nil {
		return m.means, nil
	}
	v := m.vars
	s := m.scope.SubScope("original_particle_means")
	parts, _ := m.net.sweep(s, m.readParams(s), readLayers(s, v.particles), false, false, true, nil, 0)
	m.means = op.NoOp(s.WithControlDependencies(assignLayers(s.SubScope("write"), v.particles, parts)...).SubScope("done"))
	if err := m.scope.Err(); err != nil {
		return nil, nest.Within("dbm: build particle means graph", err)
	}
	return m.means, nil
}

// originalValidation measures val as the original does (Config.SideEffects), batch by batch
// of BatchSize rows with the side effects of validationOp, and returns the mean msre and
// mean-field sweeps.
func (m *DBM) originalValidation(val rbm.Data, epoch, k int) (msre, nmf float64, err error) {
	c := m.cfg
	o, err := m.validationOp(k)
	if err != nil {
		return 0, 0, err
	}
	nVal, _, _ := tfops.Dims(val)
	batches := 0
	for i := 0; i+c.BatchSize <= nVal; i += c.BatchSize {
		t, err := rowsTensor(val, i, i+c.BatchSize, c.DType)
		if err != nil {
			return 0, 0, err
		}
		step, err := tf.NewTensor(int64(epoch)<<20 | int64(batches))
		if err != nil {
			return 0, 0, err
		}
		r, err := m.run(map[tf.Output]*tf.Tensor{o.x: t, o.step: step}, []tf.Output{o.msre, o.nmf}, []*tf.Operation{o.done})
		if err != nil {
			return 0, 0, nest.Within("dbm: validation", err)
		}
		msre += r[0][0]
		nmf += r[1][0]
		batches++
	}
	return msre / float64(batches), nmf / float64(batches), nil
}

// checkOriginalRows reports training or validation rows that the original's code path cannot
// take: its stored μ holds exactly BatchSize rows.
func (c Config) checkOriginalRows(n int, val rbm.Data) error {
	if c.MeanFieldStart == MeanFieldPrevious && n%c.BatchSize != 0 {
		return fmt.Errorf("dbm: %d training rows: the mean field started from the previous minibatch's μ (MeanFieldPrevious) needs whole batches of %d: %w", n, c.BatchSize, ErrShape)
	}
	if val == nil || !c.SideEffects {
		return nil
	}
	nVal, _, err := tfops.Dims(val)
	if err != nil {
		return nest.Within("dbm: validation rows", err)
	}
	if nVal == 0 || nVal%c.BatchSize != 0 {
		return fmt.Errorf("dbm: %d validation rows: the original's validation (SideEffects) takes whole batches of %d: %w", nVal, c.BatchSize, ErrShape)
	}
	return nil
}

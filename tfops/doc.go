// Package tfops holds model-agnostic helpers for building and running TensorFlow graphs from Go:
// numerically stable math, seeded random sampling, resource variables, checkpoints and a session
// wrapper. It knows nothing about Boltzmann machines.
//
// Functions take the scope first and return tf.Output values, in the style of the op package.
// Every helper opens its own sub-scope, so two calls in one scope never collide. Every helper is
// written once for float32 and float64: the dtype is read from its inputs or passed as a
// parameter, never baked into the code.
//
// # Errors
//
// Graph-building errors are sticky in the scope, as in the op package: build the whole graph,
// then check s.Err() or the error of s.Finalize() once. Running errors are returned by
// Session.Run with the names of what was fetched. Nothing in this package panics on bad input;
// Try turns the panics of tfgo helpers into errors. The models build their graphs with op
// directly rather than with tfgo's helpers because those panic on a shape or type error where a
// model must return an error; tfgo stays the Go user's door: graphs are built in the op.Scope
// that tfgo.NewRoot returns (BuildServing adds a model's inference ops to a tfgo program's
// graph) and exports load with tfgo.LoadModel (see export's tfgo examples).
//
// # Seeding
//
// TensorFlow's C API has no graph-level seed, so every random op gets a key derived from one
// int64 model seed: Key(seed, role), where the role is a constant naming the op's purpose (rbm
// and dbm: "the visible sample of Gibbs step 3"; a training method has roles of its own), or the
// next key of a Seeder, a fixed function of (model seed, construction index) for graphs built
// in one fixed order (mlp). Either way, building the same graph twice hands out the same keys
// and different ops get different, well-mixed keys. At run time a random op draws from the
// stateless generators (StatelessRandomUniform, StatelessRandomNormal, StatelessMultinomial) with
// the seed pair (key, step), where step is an int64 tensor: a fed counter or a variable that
// counts updates. The stream is therefore a pure function of (model seed, op, step): it does
// not depend on how many Session.Run calls came before, so a run resumed from a checkpoint that
// saved the step continues with exactly the bits that an uninterrupted run would have drawn.
// Same seed, same bits; a different seed gives different bits. (Bit-identity is promised on CPU;
// GPU reductions may differ from run to run.)
//
// # Running
//
// Session wraps tf.Session with explicit thread settings, device selection, an idempotent Close
// that never relies on finalizers, and errors with context. The Go bindings have no While loop,
// so loops of known length (k Gibbs steps, several minibatch updates) are unrolled into the
// graph and Go loops over chunks of them, one Session.Run per chunk.
//
// A small example:
//
//	s := op.NewScope()
//	x := op.Placeholder(s.SubScope("x"), tf.Double)
//	y := tfops.Softplus(s, x)
//	g, err := s.Finalize()
//	if err != nil { ... }
//	sess, err := tfops.NewSession(g, nil)
//	if err != nil { ... }
//	defer sess.Close()
//	in, _ := tfops.NewTensor([]float64{-50, 0, 50}, 3)
//	out, err := sess.Run(map[tf.Output]*tf.Tensor{x: in}, []tf.Output{y}, nil)
package tfops

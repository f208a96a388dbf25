// Package export writes trained models as TensorFlow SavedModels, in the directory layout TF
// Serving watches, so that TF Serving, Python TensorFlow, saved_model_cli and the Go (C API)
// loader can run them without this project's code.
//
// The TensorFlow Go bindings can load a SavedModel but not write one ("The tensorflow package
// currently does not have the ability to export a model to a directory from Go"), so this
// package writes the format itself: the GraphDef that the Go bindings serialize, wrapped in the
// MetaGraphDef, SaverDef, collections and SignatureDefs that TF1's builder would write, plus a
// checkpoint of the variables written by TensorFlow's own SaveV2 op.
//
// # Models
//
// Write needs only a Model: something that builds its serving graph (variables with their
// trained values, and named signatures) into a scope. *rbm.RBM is one; a DBM will be another.
// Write builds that graph in a fresh tf.Graph, so the training graph is never exported.
//
// # Layout
//
//	<base>/<name>/<version>/saved_model.pb
//	<base>/<name>/<version>/variables/variables.index
//	<base>/<name>/<version>/variables/variables.data-00000-of-00001
//
// Versions are positive integers; TF Serving serves the largest one and picks up new ones as
// they appear. Write builds a version in a hidden directory (.tmp-<version>-<random>) and
// renames it into place, so a server or a crash never sees a half-written version; NextVersion
// gives the number after the largest existing one.
//
// # What is in saved_model.pb
//
// One MetaGraphDef tagged "serve" (saved_model_schema_version 1, tensorflow_version from the
// linked library) holding:
//
//   - graph_def: the serving graph, with each VarHandleOp's shared_name set to its node name
//     (stable across exports; every loaded session has its own variables);
//   - saver_def: the V2 save/restore ops of tfops.Saver; loaders feed
//     "<dir>/variables/variables" to its filename tensor and run its restore op;
//   - collection_def "variables" and "trainable_variables": one VariableDef per parameter
//     (is_resource, a snapshot read, and an initializer that assigns zeros without a feed, as a
//     Python-made variable's would; the trained values live only in the checkpoint);
//   - signature_def: one SignatureDef per signature, method "tensorflow/serving/predict", with
//     each tensor's name, dtype and static shape (-1 for the batch dimension).
//
// No object graph is written (a TF1-style SavedModel): Python's tf.saved_model.load reads it
// through its TF1 compatibility loader, which restores the checkpoint, lists the variables
// from the collections as m.variables, and turns each signature into a function called with
// keyword arguments. Loaders never run the VariableDef initializers on load: the C API
// loader only restores the checkpoint, and Python's runs only local-variable initializers;
// they matter to TF1 code that calls tf.compat.v1.global_variables_initializer() on the
// loaded graph, which would otherwise fail on an unfed placeholder.
//
// # Example
//
// Export a trained RBM as the next version of "rbm_mnist" under savedmodels/:
//
//	v, err := export.NextVersion("savedmodels", "rbm_mnist")
//	if err != nil {
//		return err
//	}
//	dir, err := export.Write("savedmodels", "rbm_mnist", v, m, nil) // m is a trained *rbm.RBM
//	if err != nil {
//		return err
//	}
//	fmt.Println("exported to", dir) // savedmodels/rbm_mnist/1
//
// Then inspect it with `saved_model_cli show --all --dir savedmodels/rbm_mnist/1`, serve it
// with TF Serving (see savedmodels/README.md), or load it in Python:
//
//	m = tf.saved_model.load("savedmodels/rbm_mnist/1")
//	h = m.signatures["serving_default"](visible=x)["features"]
//
// or in Go:
//
//	sm, err := tf.LoadSavedModel(dir, []string{"serve"}, nil)
//	sig := sm.Signatures["serving_default"] // feed sig.Inputs["visible"].Name, fetch sig.Outputs["features"].Name
package export

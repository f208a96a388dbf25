// Package mlp implements multilayer perceptron classifiers whose training and inference run as
// one TensorFlow graph built from Go: the discriminative fine-tuning of the original project's
// examples, where an MLP starts from a pretrained RBM's or DBM's weights and biases (or from
// Glorot-uniform draws with fixed seeds, for the baseline) and is trained on labelled data.
//
// A network is a stack of dense layers (Layer: sigmoid, ReLU or linear hidden units, a softmax
// output) with, per layer, an L2 penalty on the kernel (Keras' l2 regularizer, added to the
// loss), inverted dropout on its inputs, a learning-rate multiplier and, for hidden layers,
// batch normalization of the pre-activation (Keras' BatchNormalization: minibatch statistics in
// training, running ones in inference, both tested against a Go reference). The loss is the mean
// softmax cross-entropy, computed from the logits as logsumexp(a) − a_y. It is minimised by
// Adam (optim.Adam, the original's MultiAdam with lr_multipliers) on minibatches gathered in the
// graph from a copy of the training data held in a variable. The gradients come from
// TensorFlow's C++ gradient registry through op.Gradients, and a test checks them against
// central finite differences of the loss computed independently in Go.
//
// Two details of TF 2.18's C++ gradients shape the graph: the gradient of
// SoftmaxCrossEntropyWithLogits adds float32 constants to float64 graphs, and the gradients of
// Sum and Max mix int32 shapes with int64 reduction axes. The loss is therefore written with
// elementary ops and int32 axes, which gives the same values in both dtypes.
//
// Fit trains epoch by epoch (the loop of package train, which stops a run whose loss or weights
// stop being finite) and validates after each; EarlyStopping and Plateau reproduce
// Keras 2.0.8's EarlyStopping and ReduceLROnPlateau exactly (the original's callbacks), and
// RestoreBest keeps the weights of the best validation epoch, which Keras 2.0.8 could not.
// Cancelling the context stops training between minibatches with the best (or last) weights
// in place. Save and Load keep a model directory (model.json and a TensorFlow checkpoint); an
// *MLP is an export.Model, so export.Write turns it into a SavedModel with the signatures
// serving_default (class probabilities) and classify (the class).
//
// The graph is written once for float32 and float64 (Config.DType). Everything random (Glorot
// draws, shuffles, dropout masks) derives from seeds: the same configuration gives the same
// weights bit for bit.
package mlp

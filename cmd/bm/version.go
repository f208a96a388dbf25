package main

import tf "github.com/galeone/tensorflow/tensorflow/go"

// version is the version of bm.
const version = "0.1.0"

func tfVersion() string { return tf.Version() }

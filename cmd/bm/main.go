// Command bm trains and uses restricted and deep Boltzmann machines and the classifiers built
// on them.
//
// Usage:
//
//	bm train [flags]      train an RBM on IDX (MNIST) or .npy data; see bm train -h
//	bm sample [flags]     draw Gibbs samples from a trained model and save them as a PNG
//	bm export [flags]     export a trained model as a TensorFlow SavedModel (for TF Serving)
//	bm dbm [flags]        pretrain RBMs, train a DBM jointly, estimate log Z (AIS) and the test bound
//	bm transform [flags]  write the hidden features of an RBM or a DBM as .npy or CSV
//	bm classify [flags]   k-NN, logistic regression or an SVM on features: errors and confusion PNG
//	bm tsne [flags]       a t-SNE scatter PNG of data or features, coloured by label, and its k-NN accuracy
//	bm complete [flags]   fill in masked pixels with an RBM (Gibbs or mean field): errors and a grid PNG
//	bm rbm-mnist [flags]  the original's rbm_mnist.py (its argparse flags): RBM, MLP fine-tuning
//	bm dbm-mnist [flags]  the original's dbm_mnist.py (its argparse flags): DBM, AIS, MLP fine-tuning
//	bm dbm-cifar-naive [flags]  the original's dbm_cifar_naive.py: smoothed CIFAR-10, G-B-M DBM, MLP
//	bm dbm-cifar [flags]  the original's dbm_cifar.py: 26 patch RBMs, augmented CIFAR-10, G-B-M DBM, MLP
//	bm crbm [flags]       classification RBM: discriminative, hybrid or generative training, test error
//	bm few-label [flags]  fine-tuning from a model and from random init on 60k/10k/1k/100 labels
//	bm info -model DIR    what a model folder holds: kind, sizes, units, epochs, metrics, commands
//	bm worker -cluster S  serve one task of a TensorFlow cluster (TF's gRPC server)
//	bm version            print the versions of bm and of libtensorflow
//
// bm train writes the model, its TensorBoard logs and PNG pictures (filters, samples, learning
// curves) into its -out folder. Usage errors exit with status 2 and name the flag.
//
// TensorFlow's start-up log lines are hidden unless TF_CPP_MIN_LOG_LEVEL is set or -tf-log is
// given (anywhere on the command line).
package main

import (
	"fmt"
	"os"
	"runtime/debug"
)

func main() {
	// Data sets dwarf everything else in bm and live as long as the command: keep the garbage
	// collector's headroom at a quarter of the live heap instead of Go's default of all of it
	// (GOGC in the environment wins).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(25)
	}
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	invocation = append([]string{"bm"}, args...)
	args, err := withoutTFLogFlag(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bm:", err)
		return 2
	}
	if len(args) == 0 {
		usage()
		return 2
	}
	switch args[0] {
	case "train":
		return cmdTrain(args[1:])
	case "sample":
		return cmdSample(args[1:])
	case "export":
		return cmdExport(args[1:])
	case "dbm":
		return cmdDBM(args[1:])
	case "transform":
		return cmdTransform(args[1:])
	case "classify":
		return cmdClassify(args[1:])
	case "tsne":
		return cmdTSNE(args[1:])
	case "complete":
		return cmdComplete(args[1:])
	case "rbm-mnist":
		return cmdRBMMNIST(args[1:])
	case "dbm-mnist":
		return cmdDBMMNIST(args[1:])
	case "dbm-cifar-naive":
		return cmdDBMCIFARNaive(args[1:])
	case "dbm-cifar":
		return cmdDBMCIFAR(args[1:])
	case "logz":
		return cmdLogZ(args[1:])
	case "crbm":
		return cmdCRBM(args[1:])
	case "few-label":
		return cmdFewLabel(args[1:])
	case "info":
		return cmdInfo(args[1:])
	case "worker":
		return cmdWorker(args[1:])
	case "version":
		return cmdVersion()
	case "-h", "-help", "--help", "help":
		usage()
		return 0
	}
	fmt.Fprintf(os.Stderr, "bm: unknown command %q\n", args[0])
	usage()
	return 2
}

func usage() {
	fmt.Fprint(os.Stderr, `usage: bm <command> [flags]

commands:
  train     train an RBM (bm train -h lists every flag with its default)
  sample    draw Gibbs samples from a trained model into a PNG
  export    export a trained model as a TensorFlow SavedModel (TF Serving layout)
  dbm       pretrain RBMs, train a DBM of any depth and unit types, AIS log Z and test lower bound
  transform write the hidden features of a trained RBM or DBM as .npy or CSV
  classify  k-NN, logistic regression or an SVM on a model's features (or pixels): errors, confusion PNG
  tsne      t-SNE (Barnes-Hut) scatter PNG of data or a model's features, coloured by label; k-NN accuracy
  complete  fill in the masked pixels of images with an RBM (Gibbs or mean field): errors, grid PNG
  rbm-mnist the original's rbm_mnist.py: RBM, then MLP fine-tuning and test accuracy (its flags)
  dbm-mnist the original's dbm_mnist.py: RBMs, DBM, AIS and lower bound, MLP fine-tuning (its flags)
  dbm-cifar-naive  the original's dbm_cifar_naive.py: smoothed CIFAR-10, G-RBM, M-RBM, G-B-M DBM, MLP (its flags)
  dbm-cifar the original's dbm_cifar.py: augmented CIFAR-10, 26 patch RBMs, G-RBM, M-RBM, G-B-M DBM, MLP (its flags)
  logz      log Z of an RBM or a DBM by AIS (options from the literature) or exactly, and the test bound
  crbm      classification RBM (Larochelle & Bengio 2008): discriminative, hybrid or generative; test error, y_pred.npy
  few-label fine-tune from a pretrained model and from random init on 60k/10k/1k/100 labels: the table
  worker    serve one task of a TensorFlow cluster (TensorFlow's gRPC server) for distributed runs
  info      what a model folder holds: kind, sizes, units, dtype, epochs, metrics, the commands that made it
  version   print the versions of bm and libtensorflow

-tf-log (or -tf-log=true) anywhere on the command line keeps TensorFlow's start-up log lines
(hidden by default; TF_CPP_MIN_LOG_LEVEL in the environment wins).
`)
}

// Package pipeline holds the original's programs as a Go API, and the stages they are made of.
//
// The programs are values whose zero value is the program's defaults: RBMMNIST
// (examples/rbm_mnist.py), DBMMNIST (examples/dbm_mnist.py), DBMCIFARNaive
// (examples/dbm_cifar_naive.py), DBMCIFAR (examples/dbm_cifar.py), FewLabel (the few-label
// tables of the original's docs) and LogZ (bm logz's estimates). Their Run methods return the
// results as data. The stages compose the same way in a program of one's own:
//
//   - labeled data split as the original splits it (LoadLabeled) and training data sets
//     (LoadData, ReadData);
//   - an RBM trained into a run folder, resumed after its last complete epoch, with its history,
//     TensorBoard logs and pictures (TrainRBM, CheckResume);
//   - greedy pretraining of one RBM (Pretrain), a DBM's settings (DBMStack), its training
//     (TrainDBM, FitDBM) and results: log Z by AIS, the test lower bound, pictures (DBMResults);
//   - features of a trained RBM or DBM (Features);
//   - conditional completion's masks, baseline and errors, and a classifier trained on whole
//     images reading completed ones (ParseMask, ColumnMeans, Fill, MissingError,
//     ClassifyCompleted; the models' Complete methods do the completing);
//   - an MLP fine-tuned from a pretrained model, with its predictions and SavedModel (FineTune,
//     InitNet, AugmentTop);
//   - CIFAR-10 augmented and standardized with stamped caches (LoadCIFARSets), features cached
//     in half precision (FeatureCache), the 26 patch RBMs and the Gaussian RBM assembled from
//     them (PatchRBMs, AssembleGRBM);
//   - a trained model opened from its folder whatever its kind (OpenModel, Model, Placement),
//     described (Describe), its features written (Transform), its chains drawn (Sample), images
//     completed (Complete), rows embedded by t-SNE (TSNE), classifiers fitted to its features
//     (Classify); a classification RBM trained and tested (TrainCRBM).
//
// Each stage takes a settings struct whose zero value is the documented default; where zero is
// a valid value but not the default, a No… field (NoL2, NoAIS) or, for the programs' counts, a
// negative value asks for it. A stage reports through a Hooks value — log lines, per-batch and
// per-epoch progress, results meant for the reader, the model folders it writes — and never
// logs or prints by itself: with the zero Hooks it is silent. A setting out of range is a
// *FieldError naming the settings field, so that a command can name the flag that set it; a
// model that cannot resume with the settings given is a *ResumeError.
//
// cmd/bm maps its flags onto these settings and implements the hooks with progress bars; a Go
// program calling the same stages with the same settings gets the same models, bit for bit.
package pipeline

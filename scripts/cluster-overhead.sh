#!/usr/bin/env bash
# Measures what a loopback TensorFlow cluster of `bm worker` processes costs, beside the same
# work in one process (docs/SCALING.md), on this machine:
#
#   scripts/cluster-overhead.sh ais MODEL_DIR [RUNS] [BETAS_LO] [BETAS_HI] [REPEATS]
#       bm logz's AIS: for each placement, AIS at two numbers of intermediate distributions,
#       reported as the difference per step (start-up — loading, graph building, connecting —
#       cancels out). MODEL_DIR is copied first: logz.json goes into the copy.
#   scripts/cluster-overhead.sh train DATA [ROWS] [BATCH] [REPEATS]
#       bm train's data-parallel RBM updates (784→1024 on MNIST): the time of one epoch of ROWS
#       rows, per update.
set -euo pipefail
mode=${1:?usage: scripts/cluster-overhead.sh ais MODEL_DIR … | train DATA …}
shift
bm=${BM:-bin/bm}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
scripts/machine.sh
port=$((20000 + RANDOM % 20000))

spec() { # spec N: a loopback cluster of N tasks
	local s="worker=" i
	for ((i = 0; i < $1; i++)); do s+="localhost:$((port + i))"; ((i < $1 - 1)) && s+=","; done
	echo "$s"
}
start_workers() { # start_workers N: N bm worker processes on the ports of spec N
	local s i
	s=$(spec "$1")
	for ((i = 0; i < $1; i++)); do "$bm" worker -cluster "$s" -task "$i" 2>/dev/null & done
	for ((i = 0; i < $1; i++)); do
		until (echo >/dev/tcp/localhost/$((port + i))) 2>/dev/null; do sleep 0.1; done
	done
}
stop_workers() { # stop_workers N
	kill $(jobs -p) 2>/dev/null || true
	wait 2>/dev/null || true
	port=$((port + $1))
}

case $mode in
ais)
	model=${1:?MODEL_DIR}
	runs=${2:-100} lo=${3:-500} hi=${4:-1500} repeats=${5:-2}
	cp -r "$model" "$work/model"
	seconds() { # seconds BETAS FLAGS...: the seconds bm logz reports for its AIS
		local betas=$1
		shift
		"$bm" logz -model "$work/model" -betas "$betas" -runs "$runs" -quiet "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
		python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$work/model/logz.json"
	}
	measure() { # measure NAME FLAGS...: ms per β step, from the two lengths
		local name=$1 a b
		shift
		a=$(seconds "$lo" "$@")
		b=$(seconds "$hi" "$@")
		python3 -c 'import sys; a,b,lo,hi=map(float,sys.argv[2:]); print(f"{sys.argv[1]:<30} {1000*(b-a)/(hi-lo):8.2f} ms/step   ({a:.1f} s at {lo:.0f} β, {b:.1f} s at {hi:.0f} β)")' "$name" "$a" "$b" "$lo" "$hi"
	}
	echo "AIS on $model: $runs runs, ms per intermediate distribution from $lo and $hi β, $repeats repeats"
	for ((r = 0; r < repeats; r++)); do
		measure "one process, 1 block"
		measure "one process, 2 blocks" -blocks 2
		for n in 1 2 4; do
			start_workers "$n"
			measure "$n bm worker(s), $n block(s)" -cluster "$(spec "$n")"
			stop_workers "$n"
		done
	done
	;;
train)
	data=${1:?DATA}
	rows=${2:-5000} batch=${3:-10} repeats=${4:-2}
	measure() { # measure NAME FLAGS...: ms per update of one epoch
		local name=$1 line
		shift
		line=$("$bm" train -data "$data" -n-train "$rows" -n-val 0 -epochs 1 -batch-size "$batch" -out "$work/rbm" -fresh -quiet \
			-samples 0 -filters 0 -val-every 1000 -train-every 1000 -feg-every 1000 "$@" 2>&1 | grep '^epoch 1/1') || { echo "$name: failed" >&2; exit 1; }
		python3 -c 'import re,sys; s=float(re.search(r"\(([0-9.]+)s\)", sys.argv[2]).group(1)); u=-(-int(sys.argv[3])//int(sys.argv[4])); print(f"{sys.argv[1]:<30} {1000*s/u:8.2f} ms/update   ({s:.1f} s for {u} updates)")' "$name" "$line" "$rows" "$batch"
	}
	echo "bm train on $data: 784→1024 RBM, $rows rows, batch $batch, $repeats repeats"
	for ((r = 0; r < repeats; r++)); do
		measure "one process"
		for n in 1 2 4; do
			start_workers "$n"
			measure "$n bm worker(s)" -cluster "$(spec "$n")"
			stop_workers "$n"
		done
	done
	;;
*)
	echo "unknown mode $mode: ais or train" >&2
	exit 2
	;;
esac

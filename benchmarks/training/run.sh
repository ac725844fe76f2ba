#!/usr/bin/env bash
# ResNet-50 training throughput at 32x32, batch 64, Adam: this trainer (oneDNN on, then off) against Debian's
# PyTorch + torchvision on the same settings, in one run, so the ratios compare like with like on a shared machine.
#
# The trainer is measured through its real command: `train` on a random IDX data set of STEPS+1 batches per epoch
# (so every step is a full batch of 64), two epochs; epoch 2 runs after warm-up and its images/s (training loop only:
# batch building, augmentation, forward, backward, Adam; not the test pass or checkpoint writing) is the figure.
# PyTorch runs the same network and optimizer on a ready random batch (no data loading), WARMUP steps then STEPS.
#
# Both sides use THREADS CPU threads (default 1: Debian's PyTorch picks 1 here, and on a machine shared with other
# work OpenMP threads that wait on each other cost far more than they bring).
#
# Usage: benchmarks/training/run.sh [STEPS] [THREADS]   (defaults 10, 1). Results also go to benchmarks/results/training.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
steps="${1:-10}"
threads="${2:-1}"
python="${PYTHON:-/usr/bin/python3}"  # Debian's interpreter, where python3-torch is installed
work="benchmarks/results/training"
mkdir -p "$work"
rm -rf "$work/run-onednn" "$work/run-no-onednn"

"$python" benchmarks/training/make_data.py "$work/data" $((steps * 64)) 64
dotnet build src/ResNetService.Trainer -c Release -o "$work/bin" -v quiet -nologo >/dev/null

trainer() { # $1 run folder; the environment decides oneDNN
  "$work/bin/resnet-trainer" train --data "idx:$work/data" --arch resnet50 --image-size 32 --batch-size 64 \
    --optimizer adam --lr 1e-3 --weight-decay 5e-4 --schedule cosine --epochs 2 --threads "$threads" --out "$1" >"$1.log" 2>&1 \
    || { cat "$1.log"; exit 1; }
  # metrics.csv: epoch,...,seconds,images_per_second -> epoch 2's images/s
  awk -F, '$1 == 2 { printf "%.1f", $8 }' "$1/metrics.csv"
}

torchsharp_on=$(trainer "$work/run-onednn")
torchsharp_off=$(RESNET_TRAINER_DISABLE_ONEDNN=1 trainer "$work/run-no-onednn")
pytorch_log=$("$python" benchmarks/training/pytorch_resnet50.py "$steps" 3 "$threads")
pytorch=$(echo "$pytorch_log" | sed -n 's/^images_per_second=//p')

{
  echo "ResNet-50 training, 32x32, batch 64, Adam, $steps timed steps, $threads thread(s) on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "$pytorch_log" | head -1
  printf "%-36s %8s img/s\n" "PyTorch (torchvision resnet50)" "$pytorch"
  printf "%-36s %8s img/s   ratio to PyTorch %s\n" "TorchSharp trainer, oneDNN on" "$torchsharp_on" \
    "$(awk -v a="$torchsharp_on" -v b="$pytorch" 'BEGIN { printf "%.2f", a / b }')"
  printf "%-36s %8s img/s   ratio to PyTorch %s\n" "TorchSharp trainer, oneDNN off" "$torchsharp_off" \
    "$(awk -v a="$torchsharp_off" -v b="$pytorch" 'BEGIN { printf "%.2f", a / b }')"
} | tee benchmarks/results/training.txt

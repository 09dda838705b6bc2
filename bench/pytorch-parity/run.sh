#!/usr/bin/env bash
# Accuracy parity: a StreamTrain pipeline against the same MLP trained in-process by PyTorch.
#
#   bench/pytorch-parity/run.sh DATA.csv [SPEC.yaml] [SEEDS]
#
# Runs `./streamtrain demo` on DATA with SPEC (default: diamonds-cut.yaml beside this script, for the ggplot2
# diamonds data with `cut` as the label), then the PyTorch reference (reference_mlp.py) with the spec's hidden
# layers, learning rate, batch size, epochs and validation fraction on SEEDS random splits (default 3), and prints
# both accuracies. Exits 1 when StreamTrain's final accuracy is more than 2 points below the PyTorch median.
# Needs Debian's python3-torch (apt-get install --no-install-recommends python3-torch).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="$(realpath "${1:?usage: run.sh DATA.csv [SPEC.yaml] [SEEDS]}")"
spec="$(realpath "${2:-$here/diamonds-cut.yaml}")"
seeds="${3:-3}"
out="$root/streamtrain-work/pytorch-parity"
mkdir -p "$out"
python=/usr/bin/python3

read -r label hidden lr batch epochs validation < <("$python" - "$spec" <<'PY'
import sys, yaml
s = yaml.safe_load(open(sys.argv[1]))
print(s["data"]["label"], ",".join(str(h) for h in s.get("model", {}).get("hidden", [64, 32])),
      s.get("train", {}).get("learningRate", 0.001), s.get("batch", {}).get("size", 128),
      s.get("train", {}).get("epochs", 5), s.get("split", {}).get("validation", 0.2))
PY
)

"$root/streamtrain" demo --spec "$spec" --data "$data" --workdir "$out/run-$(date +%s)" --report "$out/report.json" \
  > "$out/demo.log"
: > "$out/pytorch.jsonl"
for seed in $(seq 1 "$seeds"); do
  OMP_NUM_THREADS=1 "$python" "$here/reference_mlp.py" --data "$data" --label "$label" --hidden "$hidden" \
    --lr "$lr" --batch "$batch" --epochs "$epochs" --validation "$validation" --seed "$seed" >> "$out/pytorch.jsonl"
done

"$python" - "$out/report.json" "$out/pytorch.jsonl" <<'PY'
import json, statistics, sys
report = json.load(open(sys.argv[1]))
final = [e for e in report["evaluations"] if e["finalCheckpoint"]][-1]
ours = final["metrics"]["accuracy"]
runs = [json.loads(line) for line in open(sys.argv[2])]
reference = statistics.median(r["accuracy"] for r in runs)
print(f"StreamTrain final checkpoint: accuracy {ours:.4f} on {final['validationRows']} held-out rows "
      f"(macro-F1 {final['metrics']['macro_f1']:.4f})")
for r in runs:
    print(f"PyTorch seed {r['seed']}: accuracy {r['accuracy']:.4f} on {r['validationRows']} rows "
          f"(macro-F1 {r['macro_f1']:.4f})")
print(f"PyTorch median accuracy {reference:.4f}; difference {100 * (ours - reference):+.2f} points")
sys.exit(0 if ours >= reference - 0.02 else 1)
PY

#!/usr/bin/env bash
# Keeps a pipeline running with `./streamtrain up` and feeds it from Python's confluent-kafka (examples/python) for
# MINUTES: a wave of WAVE_ROWS rows of the bundled Shuttle data every WAVE_SECONDS, each closed by an end-of-data
# marker, so that every wave is a segment that gets trained and evaluated. Then prints what it saw: records
# accepted and dead-lettered, evaluation events, promotions, final checkpoints, restarts and resident memory per
# process (at the start of feeding and at the end), and fails (exit 1) when a wave's segment got no evaluation, a
# checkpoint was evaluated twice, or a process had to be restarted.
#   bench/up-soak.sh [MINUTES (default 30)] [WAVE_ROWS (default 5000)] [WAVE_SECONDS (default 30)]
# Needs Debian's python3-confluent-kafka (PYTHON, default /usr/bin/python3).
set -euo pipefail
minutes="${1:-30}" wave_rows="${2:-5000}" wave_seconds="${3:-30}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"
work="$root/streamtrain-work/up-soak"
data="$root/datasets/shuttle/shuttle.csv"
"$python" -c 'import confluent_kafka' || { echo "up-soak needs python3-confluent-kafka for $python" >&2; exit 2; }

cd "$root"
rm -rf "$work"
spec="$(mktemp --suffix=.yaml)"
trap './streamtrain down --workdir "$work" > /dev/null || true; rm -f "$spec"' EXIT
# The bundled spec, with a shuffle buffer that a wave fills and warm-up statistics from the first wave.
sed -e 's/shuffleBuffer: 20000/shuffleBuffer: 2000/' -e 's/warmupRecords: 5000/warmupRecords: 2000/' \
    -e 's/epochs: 5/epochs: 2/' datasets/shuttle/pipeline.yaml > "$spec"
./streamtrain up --spec "$spec" --workdir "$work" --detach

rss() {  # resident memory of every process up runs, in MiB
  for pidfile in "$work"/pids/*.pid; do
    name="$(basename "$pidfile" .pid)"
    kb="$(awk '/VmRSS/ {print $2}' "/proc/$(cat "$pidfile")/status" 2>/dev/null || echo 0)"
    printf '%s=%dMiB ' "$name" "$((kb / 1024))"
  done
}
evaluations() {
  "$python" examples/python/evaluations.py --endpoints "$work/endpoints.json" --pipeline shuttle --json
}

rss_start="$(rss)"
total="$(($(wc -l < "$data") - 1))"
deadline=$(($(date +%s) + minutes * 60))
waves=0 from=0
while [ "$(date +%s)" -lt "$deadline" ]; do
  started="$(date +%s)"
  to=$((from + wave_rows))
  "$python" examples/python/feed.py --endpoints "$work/endpoints.json" --pipeline shuttle \
      --rows "$from:$to" --end-of-data "$data" > /dev/null
  waves=$((waves + 1))
  from=$((to % total))
  [ $((from + wave_rows)) -le "$total" ] || from=0
  printf 'wave %d sent (%d rows); %s\n' "$waves" "$wave_rows" "$(rss)"
  sleep $((wave_seconds - ($(date +%s) - started) > 0 ? wave_seconds - ($(date +%s) - started) : 0))
done

# The last wave's segment: wait up to 3 minutes for its evaluation.
for _ in $(seq 60); do
  finals="$(evaluations | "$python" -c 'import json,sys; print(sum(1 for l in sys.stdin if json.loads(l)["finalCheckpoint"]))')"
  [ "$finals" -ge "$waves" ] && break
  sleep 3
done
./streamtrain status --workdir "$work" || true
events="$work/evaluations.jsonl"
evaluations > "$events"
"$python" - "$waves" "$work/endpoints.json" "$rss_start" "$(rss)" "$events" <<'PY'
import json, sys
from collections import Counter
waves, endpoints, rss_start, rss_end = int(sys.argv[1]), json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4]
events = [json.loads(line) for line in open(sys.argv[5])]
ids = Counter(e["checkpointId"] for e in events)
finals = [e for e in events if e["finalCheckpoint"]]
verdicts = Counter(e["verdict"] for e in events)
restarts = {k: v for k, v in endpoints.get("restarts", {}).items() if v}
print(f"up-soak: {waves} waves, {len(events)} evaluation events ({dict(verdicts)}), {len(finals)} final checkpoints"
      f" (one per segment), last {finals[-1]['metric'] if finals else '-'} "
      f"{finals[-1]['value'] if finals else '-'}")
print(f"up-soak: restarts {restarts or 'none'}")
print(f"up-soak: resident memory at the first wave: {rss_start}")
print(f"up-soak: resident memory at the end:        {rss_end}")
problems = []
if len(finals) < waves:
    problems.append(f"{waves} waves but {len(finals)} segments evaluated")
if any(count > 1 for count in ids.values()):
    problems.append(f"evaluated twice: {[i for i, c in ids.items() if c > 1]}")
if restarts:
    problems.append(f"processes restarted: {restarts}")
if problems:
    sys.exit("up-soak FAILED: " + "; ".join(problems))
PY

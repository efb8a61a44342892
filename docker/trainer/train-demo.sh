#!/usr/bin/env bash
# One-shot demo trainer: writes a day-long normal history of the simulated sensors (faults off)
# and trains the model the scoring job loads. Keeps an existing model (delete the volume's
# model.sae to retrain). Runs in the eclipse-temurin image with target/streamae.jar mounted.
set -euo pipefail
model="${MODEL:-/opt/streamae/model/model.sae}"
if [[ -f "${model}" ]]; then
  echo "model ${model} exists; not retraining" >&2
  exit 0
fi
history=/tmp/history.jsonl
now_s="$(date +%s)"
steps="${HISTORY_STEPS:-3000}"
awk -v sensors="${SENSORS:-4}" -v first=0 -v last="$((steps - 1))" \
  -v t0="$(( (now_s - steps - 3600) * 1000 ))" -v interval=1000 -v keyed=0 -v faults=0 \
  -f /opt/streamae/simulator/readings.awk > "${history}"
INPUT="${history}" OUTPUT="${model}" STREAMAE_JAR=/opt/streamae/streamae.jar \
  exec /opt/streamae/jobs/training/train.sh

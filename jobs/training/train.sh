#!/usr/bin/env bash
# Trains a model bundle for the scoring job: a wrapper around
#   java -jar target/streamae.jar train --input FILE --output FILE ...
# Every option of the train command is a variable below, with the command's default; set the
# variable (INPUT=history.jsonl EPOCHS=50 jobs/training/train.sh) to change it. Options without a
# variable here (--timestamp-column, --sensor-column, --features, --separator, --tied,
# --model-version) may be appended as arguments. See README.md.
set -euo pipefail

jar="${STREAMAE_JAR:-target/streamae.jar}"
if [[ -z "${INPUT:-}" ]]; then
  echo "error: set INPUT to the history file (.csv or .jsonl), e.g. INPUT=history.jsonl $0" >&2
  exit 2
fi
if [[ ! -f "${jar}" ]]; then
  echo "error: ${jar} not found; build it with: mvn package -DskipTests (or set STREAMAE_JAR)" >&2
  exit 1
fi
if ! command -v java >/dev/null 2>&1; then
  echo "error: java not found; install Java 17 or newer" >&2
  exit 127
fi

# shellcheck disable=SC2086  # JAVA_OPTS holds several words on purpose
exec java ${JAVA_OPTS:-} -jar "${jar}" train \
  --input "${INPUT}" \
  --output "${OUTPUT:-model/model.sae}" \
  --model-id "${MODEL_ID:-streamae}" \
  --kind "${KIND:-lstm}" \
  --mode "${MODE:-composite}" \
  --timesteps "${TIMESTEPS:-32}" \
  --horizon "${HORIZON:-1}" \
  --layers "${LAYERS:-64}" \
  --activation "${ACTIVATION:-tanh}" \
  --epochs "${EPOCHS:-30}" \
  --batch-size "${BATCH_SIZE:-64}" \
  --learning-rate "${LEARNING_RATE:-0.001}" \
  --seed "${SEED:-42}" \
  --validation-fraction "${VALIDATION_FRACTION:-0.1}" \
  --patience "${PATIENCE:-5}" \
  --noise "${NOISE:-0}" \
  --mask "${MASK:-0}" \
  --head-weights "${HEAD_WEIGHTS:-1,1}" \
  --threshold-method "${THRESHOLD_METHOD:-percentile}" \
  --threshold-param "${THRESHOLD_PARAM:-99.5}" \
  "$@"

#!/usr/bin/env bash
# Submits the scoring job to a running Flink session cluster:
#   jobs/scoring/submit.sh [--key value ...]        e.g. --kafka.bootstrap-servers broker:9092
# Flink options go before a lone "--", job options after it:
#   jobs/scoring/submit.sh -m jobmanager:8081 -p 4 -- --model.path s3://models/pumps.sae
# Environment: FLINK_HOME (else the directory of `flink` on PATH), STREAMAE_JOB_JAR
# (default target/streamae-job.jar), STREAMAE_JOB_CONFIG (default jobs/scoring/job.yaml).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"

if [[ -n "${FLINK_HOME:-}" ]]; then
  flink="${FLINK_HOME}/bin/flink"
elif command -v flink >/dev/null 2>&1; then
  flink="$(command -v flink)"
elif [[ -x /opt/flink/bin/flink ]]; then
  flink=/opt/flink/bin/flink   # the official Flink image
else
  echo "error: cannot find the flink command. Set FLINK_HOME to a Flink 2.2 distribution" >&2
  echo "       (https://flink.apache.org/downloads/) or put its bin/ on PATH." >&2
  exit 127
fi
if [[ ! -x "${flink}" ]]; then
  echo "error: ${flink} is not executable; check FLINK_HOME (${FLINK_HOME:-unset})." >&2
  exit 127
fi

jar="${STREAMAE_JOB_JAR:-${root}/target/streamae-job.jar}"
config="${STREAMAE_JOB_CONFIG:-${here}/job.yaml}"
if [[ ! -f "${jar}" ]]; then
  echo "error: job jar ${jar} not found; build it with: mvn package -DskipTests" >&2
  exit 1
fi
if [[ ! -f "${config}" ]]; then
  echo "error: job file ${config} not found" >&2
  exit 1
fi

flink_args=()
job_args=("$@")
for ((i = 1; i <= $#; i++)); do
  if [[ "${!i}" == "--" ]]; then
    flink_args=("${@:1:i-1}")
    job_args=("${@:i+1}")
    break
  fi
done

# -d: detached; the job keeps running after this script returns. No -c: the job jar's manifest
# names its entry point, io.streamae.job.ScoringJobMain.
exec "${flink}" run -d ${flink_args[@]+"${flink_args[@]}"} \
  "${jar}" \
  --config "${config}" ${job_args[@]+"${job_args[@]}"}

#!/usr/bin/env bash
# The sensor simulator: one reading per sensor per second, stamped with the wall clock, piped
# into kafka-console-producer keyed by sensor id (there is no `streamae simulate` command).
# Runs in the apache/kafka image; readings.awk writes the readings.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sensors="${SENSORS:-4}"
interval_ms="${INTERVAL_MS:-1000}"

now_ms() { local t="${EPOCHREALTIME/./}"; echo "${t:0:13}"; }

t0="$(now_ms)"
step=0
echo "simulating ${sensors} sensors every ${interval_ms} ms into ${INPUT_TOPIC:-sensor-readings}" >&2
while true; do
  awk -v sensors="${sensors}" -v first="${step}" -v last="${step}" -v t0="${t0}" \
    -v interval="${interval_ms}" -v keyed=1 -v faults="${FAULTS:-1}" -f "${here}/readings.awk"
  step=$((step + 1))
  # Sleep until the next step's wall-clock time, so event time keeps pace with the clock.
  wait_ms=$(( t0 + step * interval_ms - $(now_ms) ))
  if (( wait_ms > 0 )); then
    sleep "$(printf '%d.%03d' $((wait_ms / 1000)) $((wait_ms % 1000)))"
  fi
done | /opt/kafka/bin/kafka-console-producer.sh \
  --bootstrap-server "${BOOTSTRAP_SERVERS:-kafka:9092}" \
  --topic "${INPUT_TOPIC:-sensor-readings}" \
  --property parse.key=true --property key.separator=$'\t'

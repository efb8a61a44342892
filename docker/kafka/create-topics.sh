#!/usr/bin/env bash
# Creates the scoring job's topics once (idempotent). The dead-letter topic must take any record
# the input topic takes, plus headers: a payload too large for the parser is forwarded whole.
set -euo pipefail
bootstrap="${BOOTSTRAP_SERVERS:-kafka:9092}"
topics=/opt/kafka/bin/kafka-topics.sh

create() {
  "${topics}" --bootstrap-server "${bootstrap}" --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor 1 "${@:3}"
}

create "${INPUT_TOPIC:-sensor-readings}" "${PARTITIONS:-4}" --config max.message.bytes=2097152
create "${OUTPUT_TOPIC:-anomaly-results}" "${PARTITIONS:-4}"
create "${DEAD_LETTER_TOPIC:-sensor-dead-letters}" 1 --config max.message.bytes=4194304
"${topics}" --bootstrap-server "${bootstrap}" --list

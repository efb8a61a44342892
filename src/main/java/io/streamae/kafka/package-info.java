/**
 * Kafka: where the cluster job meets its topics. {@link io.streamae.kafka.KafkaPipelines} builds,
 * from the validated {@code kafka.*} options, the source of {@link io.streamae.ingest.RawReading}s
 * (its {@link io.streamae.kafka.RawReadingDeserializer} never throws, so a bad record becomes a
 * dead letter downstream instead of a restart loop), the result sink ({@link
 * io.streamae.kafka.AnomalyRecordSerializer}: key sensorId, value the result JSON, timestamp the
 * window end) and the dead-letter sink ({@link io.streamae.kafka.DeadLetterSerializer}: the exact
 * raw bytes plus headers saying why). Delivery is at-least-once or exactly-once (Kafka transactions
 * committed on checkpoints); client properties are logged with secrets masked. The {@code kafka.*}
 * options live here ({@link io.streamae.kafka.KafkaOptions}, validated into {@link
 * io.streamae.kafka.KafkaSettings}); this package knows nothing of the job that uses it.
 */
package io.streamae.kafka;

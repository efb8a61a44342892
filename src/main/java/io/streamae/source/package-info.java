/**
 * Built-in sources for local runs and demos: synthetic machines with known faults and the bundled
 * NAB machine-temperature series, both emitted as raw JSON bytes like Kafka's.
 */
package io.streamae.source;

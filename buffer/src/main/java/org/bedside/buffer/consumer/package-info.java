/**
 * The one consumer loop of the buffer, for every destination (the FHIR uplink, MQTT, HL7 v2, alert forwarders). A
 * {@link org.bedside.buffer.consumer.BufferConsumer} owns the loop — its named cursor, clock-trusted records, batches,
 * back-off with jitter, {@code Retry-After} pauses, commit only after the destination acknowledged, live-first
 * draining of a backlog, dead letters, counters and a state — and a {@link org.bedside.buffer.consumer.Sink} owns only
 * delivery: it turns records into items ({@link org.bedside.buffer.consumer.Translator}) and says what became of a
 * batch ({@link org.bedside.buffer.consumer.Delivery}: delivered, retry later, refused). Modelled on Kafka Connect's
 * worker and {@code SinkTask}.
 *
 * <p>A consumer never dies: an unexpected error is logged, counted, shown in its status, and the consumer restarts from
 * its committed position with back-off; a record that keeps failing goes to the consumer's dead letters, so that one
 * poisoned record never holds back what is behind it.
 */
@NullMarked
package org.bedside.buffer.consumer;

import org.jspecify.annotations.NullMarked;

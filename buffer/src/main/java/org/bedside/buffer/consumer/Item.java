package org.bedside.buffer.consumer;

/**
 * One thing a sink delivers (a FHIR Observation entry, an MQTT message), with the store position of the record it came
 * from: the consumer commits no further than the earliest item still waiting.
 */
public record Item<T>(T value, long position) {}

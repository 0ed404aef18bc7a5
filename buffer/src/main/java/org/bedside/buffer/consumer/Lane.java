package org.bedside.buffer.consumer;

/**
 * Which cursor a record came through. While the main cursor drains a backlog (after an outage), a second, in-memory
 * cursor reads live records from the end of the store so that they are delivered first; the main cursor delivers them
 * again when it gets there, so a sink must be idempotent (the FHIR server's conditional creates, an MQTT subscriber's
 * identity check).
 */
public enum Lane {
    /** The consumer's named cursor: everything, in order, committed after acknowledgement. */
    MAIN,
    /** Live records while a backlog drains: delivered first, never committed. */
    LIVE
}

package org.bedside.buffer.consumer;

/** A consumer's state for health and the status page. */
public enum ConsumerState {
    /** Started, nothing delivered yet. */
    STARTING,
    /** The last delivery was acknowledged, or there was nothing to deliver. */
    ONLINE,
    /** The destination is unreachable or overloaded; the same batch is retried with back-off. Data waits. */
    RETRYING,
    /** The destination refused everything lately; retried slowly until the cause is fixed. Data waits. */
    REJECTED,
    /** The destination answers in a way only a person can fix (a redirect, refused credentials). Data waits. */
    MISCONFIGURED,
    /** An unexpected error; the consumer restarts from its committed position with back-off. Data waits. */
    FAILED,
    STOPPED
}

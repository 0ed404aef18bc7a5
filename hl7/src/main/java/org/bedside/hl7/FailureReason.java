package org.bedside.hl7;

import ca.uhn.hl7v2.ErrorCode;
import java.util.Locale;

/**
 * Why an HL7 v2 message, or the bytes that should have been one, was not taken. Each reason is a counter label
 * ({@link #label()}), and each knows the HL7 error code (table 0357) that an error acknowledgement's ERR-3 carries.
 */
public enum FailureReason {
    // MLLP framing
    /** Bytes outside any MLLP message (before a start block). */
    GARBAGE(ErrorCode.APPLICATION_INTERNAL_ERROR),
    /** A message longer than the configured limit. */
    MESSAGE_TOO_LONG(ErrorCode.APPLICATION_INTERNAL_ERROR),
    /** A message cut off before its end block: a new start block, or the connection closed. */
    NO_END_BLOCK(ErrorCode.APPLICATION_INTERNAL_ERROR),
    /** An end block not followed by a carriage return, or an empty message. */
    BAD_END_BLOCK(ErrorCode.APPLICATION_INTERNAL_ERROR),

    // Text
    /** MSH-18 names a character set this gateway does not know. */
    UNKNOWN_CHARSET(ErrorCode.TABLE_VALUE_NOT_FOUND),
    /** The bytes are not valid in the character set the message declares. */
    BAD_CHARACTERS(ErrorCode.DATA_TYPE_ERROR),

    // Parsing (HAPI)
    /** The text does not start with an MSH segment. */
    NOT_HL7(ErrorCode.SEGMENT_SEQUENCE_ERROR),
    /** MSH-1 and MSH-2 are not five distinct delimiter characters. */
    BAD_ENCODING_CHARACTERS(ErrorCode.REQUIRED_FIELD_MISSING),
    /** HAPI's parser rejected the message. */
    UNPARSEABLE(ErrorCode.SEGMENT_SEQUENCE_ERROR),
    /** MSH-10 is empty: an acknowledgement could not be matched to the message. */
    MISSING_CONTROL_ID(ErrorCode.REQUIRED_FIELD_MISSING),

    // Content (the PCD-01 and ADT mappers)
    MISSING_SEGMENT(ErrorCode.SEGMENT_SEQUENCE_ERROR),
    MISSING_FIELD(ErrorCode.REQUIRED_FIELD_MISSING),
    /** A field whose value has the wrong type or form (a number that is not one, a bad date). */
    BAD_VALUE(ErrorCode.DATA_TYPE_ERROR),
    UNSUPPORTED_MESSAGE_TYPE(ErrorCode.UNSUPPORTED_MESSAGE_TYPE),
    UNSUPPORTED_EVENT(ErrorCode.UNSUPPORTED_EVENT_CODE),
    UNSUPPORTED_VERSION(ErrorCode.UNSUPPORTED_VERSION_ID),
    UNSUPPORTED_PROCESSING_ID(ErrorCode.UNSUPPORTED_PROCESSING_ID),

    // The handler's decision
    /** The handler found the content in error and stored nothing. */
    HANDLER_ERROR(ErrorCode.APPLICATION_INTERNAL_ERROR),
    /** The handler does not take this kind of message. */
    HANDLER_REJECTED(ErrorCode.APPLICATION_INTERNAL_ERROR),
    /** The handler could not store the message now (its store failed); the sender should send it again. */
    HANDLER_RETRY(ErrorCode.APPLICATION_RECORD_LOCKED),
    /** The handler threw: nothing is known to be stored; answered like {@link #HANDLER_RETRY}. */
    HANDLER_EXCEPTION(ErrorCode.APPLICATION_INTERNAL_ERROR),

    // Connections
    /** A connection from an address outside the allow-list, closed at once. */
    SOURCE_REFUSED(ErrorCode.APPLICATION_INTERNAL_ERROR),
    /** A connection over the configured maximum, closed at once. */
    TOO_MANY_CONNECTIONS(ErrorCode.APPLICATION_INTERNAL_ERROR),
    /**
     * A TLS client refused for its identity: no client certificate, one the trusted CAs did not issue (or expired), or
     * a subject outside the allowed subjects. Closed inside the handshake, before any message is read.
     */
    CLIENT_CERTIFICATE_REFUSED(ErrorCode.APPLICATION_INTERNAL_ERROR),
    /** The TLS handshake failed otherwise (a plain-text client on a TLS port, TLS older than 1.2, a timeout...). */
    TLS_HANDSHAKE_FAILED(ErrorCode.APPLICATION_INTERNAL_ERROR),
    /** A connection idle for longer than the configured timeout, closed. */
    IDLE_TIMEOUT(ErrorCode.APPLICATION_INTERNAL_ERROR),
    /** A read or write on a connection failed. */
    IO_ERROR(ErrorCode.APPLICATION_INTERNAL_ERROR);

    private final ErrorCode errorCode;

    FailureReason(ErrorCode errorCode) {
        this.errorCode = errorCode;
    }

    /** The HL7 table 0357 error code for ERR-3 of an acknowledgement. */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The reason as a metric label value: {@code message_too_long}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

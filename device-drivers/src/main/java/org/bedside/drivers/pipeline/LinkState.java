package org.bedside.drivers.pipeline;

/** Where a device's link stands, as the status page and the readiness check show it. */
public enum LinkState {
    /** Not started yet, or opening the link for the first time. */
    CONNECTING,
    /** The link is open and frames are decoding. */
    CONNECTED,
    /** The link is open but nothing decodable arrived within the idle timeout. */
    NO_DATA,
    /** The link is lost or cannot be opened; the pipeline keeps retrying. */
    DISCONNECTED,
    /** The pipeline was stopped. */
    STOPPED
}

package org.bedside.common.tls;

/**
 * A TLS file or setting that cannot be used, with the part it concerns so that the gateway can name its configuration
 * key. The message names the file and what is wrong with it, never its secret contents.
 */
public final class TlsConfigException extends Exception {

    /** Which setting the problem is in. */
    public enum Part {
        TRUST_FILE,
        CERTIFICATE_FILE,
        KEY_FILE,
        KEY_PASSWORD_FILE,
        REVOCATION_LISTS,
        PROTOCOLS,
        /** The subjects a listener takes client certificates from. */
        ALLOWED_SUBJECTS
    }

    private final Part part;

    public TlsConfigException(Part part, String message) {
        super(message);
        this.part = part;
    }

    public TlsConfigException(Part part, String message, Throwable cause) {
        super(message, cause);
        this.part = part;
    }

    public Part part() {
        return part;
    }
}

package org.bedside.uplink.auth;

/** An authorization setting or file that cannot be used, with the field it is in so that its key can be named. */
public final class AuthConfigException extends Exception {

    public enum Field {
        METHOD,
        CLIENT_ID,
        TOKEN_ENDPOINT,
        SCOPES,
        KEY_FILE,
        ALGORITHM,
        KEY_ID,
        CERTIFICATE_FILE,
        CLIENT_SECRET_FILE,
        TOKEN_FILE,
        TIMES
    }

    private final Field field;

    public AuthConfigException(Field field, String message) {
        super(message);
        this.field = field;
    }

    public Field field() {
        return field;
    }
}

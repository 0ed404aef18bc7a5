package org.bedside.runtime.doctor;

/** What one check found: OK, a warning (works, but look at it), or a failure (the exit code says so). */
public record Finding(Status status, String subject, String message) {
    public enum Status {
        OK,
        WARN,
        FAIL
    }

    static Finding ok(String subject, String message) {
        return new Finding(Status.OK, subject, message);
    }

    static Finding warn(String subject, String message) {
        return new Finding(Status.WARN, subject, message);
    }

    static Finding fail(String subject, String message) {
        return new Finding(Status.FAIL, subject, message);
    }

    /** One line: the status, the subject, what was found or what to do. */
    public String line() {
        return String.format("%-4s  %-24s %s", status, subject, message);
    }
}

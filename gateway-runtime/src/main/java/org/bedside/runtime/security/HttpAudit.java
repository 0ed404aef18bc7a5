package org.bedside.runtime.security;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bedside.patients.AuditLog;
import org.bedside.runtime.wiring.BedAssociations;

/**
 * The HTTP side of the box's audit log ({@code <data-dir>/audit/audit.jsonl}, the one the ADT path writes): who asked
 * for which change, from where and what came of it, and every refused sign-in. Entries name the user, the method, the
 * path (never the query or the body) and the peer address: no password, no patient data.
 */
@Singleton
public class HttpAudit {
    private final AuditLog log;

    @Inject
    public HttpAudit(BedAssociations beds) {
        this.log = beds.audit();
    }

    /** A change permitted (before it is carried out) or refused. */
    public void change(String user, String method, String path, String from, String decision) throws IOException {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("user", user);
        f.put("method", method);
        f.put("path", path);
        f.put("from", from);
        f.put("decision", decision);
        log.record("http-change", f);
    }

    /** What the gateway answered to a permitted change. */
    public void answered(String user, String method, String path, String from, int status) throws IOException {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("user", user);
        f.put("method", method);
        f.put("path", path);
        f.put("from", from);
        f.put("status", status);
        log.record("http-change-answered", f);
    }

    /** Credentials that did not match; an unknown name is not written (it may be a password typed in the wrong box). */
    public void signInRefused(String user, String method, String path, String from) throws IOException {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("user", user);
        f.put("method", method);
        f.put("path", path);
        f.put("from", from);
        log.record("http-sign-in-refused", f);
    }
}

package org.bedside.runtime.security;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who may do what over the gateway's own HTTP, decided from the method, where the request comes from and who is
 * asking. The rule is by method, never by path, so an endpoint added later is covered without a change here:
 *
 * <ul>
 *   <li>Reading (GET, HEAD, OPTIONS) from this box (a loopback peer) is open: the box's own tools and a biomed at its
 *       console. From anywhere else even reading needs a user of the users file, because the page shows vitals and
 *       patients' names.
 *   <li>Anything else changes state (a dead-letter retry, and whatever is added later) and needs a user with the role
 *       {@value #OPERATOR}, from loopback too: a browser on the box may be made to send the request by another page,
 *       and the audit log must say who asked.
 *   <li>A user with the role {@value #CLINICIAN} may read, and make the bedside changes only (confirm a patient at a
 *       bed, release held readings: {@value #BEDSIDE_PATHS}...) and ask the box's local signals for a lamp test or an
 *       audio pause ({@value #LOCAL_SIGNAL_PATHS}...): an allow-list of paths, so that an endpoint added later still
 *       needs an operator.
 *   <li>Such a request must carry the header {@value #CSRF_HEADER} and, when the browser sends an {@code Origin}, come
 *       from the gateway's own origin. A cross-site form or script cannot set that header without a CORS pre-flight,
 *       which the gateway never grants, so a page elsewhere cannot make an operator's browser change anything.
 * </ul>
 */
public final class HttpAccess {
    /** May read from anywhere, once authenticated. */
    public static final String VIEWER = "viewer";
    /** May also change state (retry dead letters and what comes later). */
    public static final String OPERATOR = "operator";

    /**
     * May read, and make the changes at the bedside: look a patient up, confirm or end an association, release held
     * readings ({@code POST /api/bedside/...}); nothing else. The patient's name and birth date are shown only to a
     * clinician or an operator (they are answers to such a POST).
     */
    public static final String CLINICIAN = "clinician";

    public static final Set<String> ROLES = Set.of(VIEWER, OPERATOR, CLINICIAN);

    /** The paths of the bedside changes a {@value #CLINICIAN} may make (and an operator). */
    public static final String BEDSIDE_PATHS = "/api/bedside/";

    /**
     * The paths of the local signals' lamp test and audio pause, which a {@value #CLINICIAN} may ask for (and an
     * operator): the nurse who hears the box's buzzer may silence it, as with the button on the box.
     */
    public static final String LOCAL_SIGNAL_PATHS = "/api/alarms/local-signals/";

    /**
     * The header a state-changing request must carry (any non-empty value), as in Jersey's CSRF filter. {@code bedside
     * dead-letters} sends it.
     */
    public static final String CSRF_HEADER = "X-Requested-By";

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private HttpAccess() {}

    /** What is known of one request when it is decided. */
    public record Request(
            String method,
            boolean fromLoopback,
            @Nullable Caller caller,
            @Nullable String csrfHeader,
            @Nullable String origin,
            @Nullable String host,
            String scheme,
            String path) {

        /** A request to a path that no clinician's change is at. */
        public Request(
                String method,
                boolean fromLoopback,
                @Nullable Caller caller,
                @Nullable String csrfHeader,
                @Nullable String origin,
                @Nullable String host,
                String scheme) {
            this(method, fromLoopback, caller, csrfHeader, origin, host, scheme, "");
        }

        public boolean changesState() {
            return HttpAccess.changesState(method);
        }
    }

    /** An authenticated user and their roles. */
    public record Caller(String name, Set<String> roles) {
        public Caller {
            roles = Set.copyOf(roles);
        }
    }

    /** The answer. */
    public sealed interface Decision {}

    /** Go on. */
    public record Permit() implements Decision {}

    /** 401: credentials are needed (the basic-authentication challenge is sent). */
    public record Authenticate(String reason) implements Decision {}

    /** 403: this caller may not, or the request does not come the way a state change must. */
    public record Refuse(String reason) implements Decision {}

    public static boolean changesState(String method) {
        return !SAFE_METHODS.contains(method.toUpperCase(Locale.ROOT));
    }

    public static Decision decide(Request r) {
        Caller caller = r.caller();
        if (!r.changesState()) {
            if (r.fromLoopback() || caller != null) {
                return new Permit();
            }
            return new Authenticate("reading from beyond this box needs a user of gateway.http.users-file");
        }
        boolean bedside = isBedsidePath(r.path());
        boolean clinicians = bedside || isLocalSignalPath(r.path());
        if (caller == null) {
            return new Authenticate(
                    bedside
                            ? "a bedside change needs a clinician or an operator of gateway.http.users-file"
                            : clinicians
                                    ? "a lamp test or an audio pause needs a clinician or an operator of"
                                            + " gateway.http.users-file"
                                    : "a change needs an operator of gateway.http.users-file");
        }
        if (!caller.roles().contains(OPERATOR) && !(clinicians && caller.roles().contains(CLINICIAN))) {
            return new Refuse(
                    clinicians
                            ? caller.name() + " has neither the role " + CLINICIAN + " nor " + OPERATOR
                            : caller.name() + " has not the role " + OPERATOR);
        }
        if (r.csrfHeader() == null || r.csrfHeader().isBlank()) {
            return new Refuse("a change must carry the header " + CSRF_HEADER + " (cross-site request protection)");
        }
        String origin = r.origin();
        if (origin != null && !sameOrigin(origin, r.scheme(), r.host())) {
            return new Refuse("a change must come from the gateway's own page, not from " + origin);
        }
        return new Permit();
    }

    /** Whether a normalised path is one of the bedside changes (no {@code ..}: Vert.x normalises before this). */
    static boolean isBedsidePath(String path) {
        return isUnder(BEDSIDE_PATHS, path);
    }

    /** Whether a normalised path is the local signals' lamp test or audio pause. */
    static boolean isLocalSignalPath(String path) {
        return isUnder(LOCAL_SIGNAL_PATHS, path);
    }

    private static boolean isUnder(String prefix, String path) {
        return path.startsWith(prefix) && !path.contains("..") && !path.contains("//");
    }

    /** Whether the browser's {@code Origin} is the gateway's own {@code scheme://host[:port]}. */
    static boolean sameOrigin(String origin, String scheme, @Nullable String host) {
        if (host == null) {
            return false;
        }
        try {
            URI o = new URI(origin);
            URI self = new URI(scheme + "://" + host);
            return scheme.equalsIgnoreCase(o.getScheme())
                    && self.getHost() != null
                    && self.getHost().equalsIgnoreCase(o.getHost())
                    && port(self) == port(o);
        } catch (URISyntaxException e) {
            return false; // "null" (a sandboxed frame) and garbage are not the gateway
        }
    }

    private static int port(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /**
     * Whether a configured listen address is this box only: {@code localhost} or a loopback literal. Names other than
     * {@code localhost} count as beyond the box (they are not resolved here).
     */
    public static boolean isLoopbackHost(String host) {
        String h = host.trim();
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (!h.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no name lookup
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}

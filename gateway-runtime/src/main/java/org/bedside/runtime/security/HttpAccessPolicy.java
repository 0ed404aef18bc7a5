package org.bedside.runtime.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.bedside.runtime.security.HttpAccess.Caller;
import org.bedside.runtime.security.HttpAccess.Decision;
import org.bedside.runtime.security.HttpAccess.Permit;
import org.bedside.runtime.security.HttpAccess.Refuse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HttpAccess}'s decision applied to every request the gateway serves — the page, the JSON API, health and
 * metrics, and any endpoint added later — as Quarkus's one global HTTP security policy (it has no name, so Quarkus
 * runs it for every path). A refusal of an anonymous caller becomes 401 with the basic-authentication challenge, of a
 * signed-in one 403 with the reason in the header {@value #REFUSED}. Every request that would change state is audited
 * before it is carried out (if the audit log cannot be written, it is refused) and again with the status it got.
 */
@ApplicationScoped
public class HttpAccessPolicy implements HttpSecurityPolicy {
    /** Why a signed-in caller was refused (no body is sent with a refusal). */
    public static final String REFUSED = "X-Bedside-Refused";

    private static final Logger LOG = LoggerFactory.getLogger(HttpAccessPolicy.class);

    @Inject
    HttpAudit audit;

    @Override
    public Uni<CheckResult> checkPermission(
            RoutingContext rc, Uni<SecurityIdentity> identity, AuthorizationRequestContext context) {
        return identity.onItem().transformToUni(id -> {
            Caller caller = id == null || id.isAnonymous()
                    ? null
                    : new Caller(id.getPrincipal().getName(), id.getRoles());
            HttpAccess.Request request = new HttpAccess.Request(
                    rc.request().method().name(),
                    fromLoopback(rc),
                    caller,
                    rc.request().getHeader(HttpAccess.CSRF_HEADER),
                    rc.request().getHeader("Origin"),
                    authority(rc),
                    rc.request().scheme(),
                    rc.normalizedPath());
            Decision decision = HttpAccess.decide(request);
            if (decision instanceof Refuse r) {
                rc.response().putHeader(REFUSED, r.reason());
            }
            if (!request.changesState()) {
                return decision instanceof Permit ? CheckResult.permit() : CheckResult.deny();
            }
            // The audit log is forced to the disk: not on the event loop.
            return Uni.createFrom()
                    .item(() -> audited(rc, request, decision))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        });
    }

    private CheckResult audited(RoutingContext rc, HttpAccess.Request request, Decision decision) {
        String user = request.caller() == null ? "(none)" : request.caller().name();
        String method = request.method();
        String path = rc.normalizedPath();
        String from = peer(rc);
        String said = decision instanceof Refuse r
                ? "refused: " + r.reason()
                : decision instanceof HttpAccess.Authenticate a ? "refused: " + a.reason() : "permitted";
        try {
            audit.change(user, method, path, from, said);
        } catch (IOException e) {
            LOG.error("{} {} refused: the audit log cannot be written: {}", method, path, e.getMessage());
            if (request.caller() != null) {
                rc.response().putHeader(REFUSED, "the audit log cannot be written");
            }
            return CheckResult.DENY;
        }
        if (!(decision instanceof Permit)) {
            return CheckResult.DENY;
        }
        rc.addEndHandler(done -> Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                audit.answered(user, method, path, from, rc.response().getStatusCode());
            } catch (IOException e) {
                LOG.error(
                        "The answer to {} {} could not be written to the audit log: {}", method, path, e.getMessage());
            }
        }));
        return CheckResult.PERMIT;
    }

    /** The host and port the request was sent to: HTTP/1.1's {@code Host}, HTTP/2's {@code :authority}. */
    private static @Nullable String authority(RoutingContext rc) {
        HostAndPort a = rc.request().authority();
        if (a == null || a.host() == null) {
            return null;
        }
        String host = a.host().contains(":") && !a.host().startsWith("[") ? "[" + a.host() + "]" : a.host();
        return a.port() >= 0 ? host + ":" + a.port() : host;
    }

    /** The peer's address: the socket's, never a header (a proxy's headers are not trusted). */
    static String peer(RoutingContext rc) {
        SocketAddress a = rc.request().remoteAddress();
        return a == null ? "unknown" : a.hostAddress();
    }

    static boolean fromLoopback(RoutingContext rc) {
        SocketAddress a = rc.request().remoteAddress();
        if (a == null || a.hostAddress() == null) {
            return false;
        }
        try {
            return InetAddress.getByName(a.hostAddress()).isLoopbackAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }
}

package org.bedside.runtime.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the user name and password of HTTP basic authentication (Quarkus's mechanism, {@code quarkus.http.auth.basic})
 * against the users file's bcrypt hashes, off the event loop. A refused sign-in is audited.
 */
@ApplicationScoped
public class UsersIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(UsersIdentityProvider.class);

    @Inject
    HttpUsers users;

    @Inject
    HttpAudit audit;

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        return context.runBlocking(() -> {
            String name = request.getUsername();
            Optional<UsersFile.User> user =
                    users.authenticate(name, request.getPassword().getPassword());
            if (user.isEmpty()) {
                refused(rc, users.find(name).isPresent() ? name : "(unknown name)");
                throw new AuthenticationFailedException();
            }
            return QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(user.get().name()))
                    .addRoles(user.get().roles())
                    .build();
        });
    }

    private void refused(RoutingContext rc, String who) {
        if (rc == null) {
            return;
        }
        try {
            audit.signInRefused(who, rc.request().method().name(), rc.normalizedPath(), HttpAccessPolicy.peer(rc));
        } catch (IOException e) {
            LOG.error("A refused sign-in could not be written to the audit log: {}", e.getMessage());
        }
    }
}

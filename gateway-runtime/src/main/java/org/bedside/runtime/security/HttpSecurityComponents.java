package org.bedside.runtime.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.bedside.runtime.config.ConfigProblems;
import org.bedside.runtime.config.GatewayConfig;
import org.bedside.runtime.config.HttpSettings;
import org.bedside.runtime.wiring.GatewayLifecycle;
import org.eclipse.microprofile.config.ConfigProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The checked settings of the gateway's own HTTP; checked before anything else starts, so a bad one stops the start. */
@Singleton
public class HttpSecurityComponents {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSecurityComponents.class);

    @Produces
    @Singleton
    HttpSettings httpSettings(GatewayConfig config) {
        try {
            return HttpSettings.from(config.http(), HttpSettings.Listen.of(ConfigProvider.getConfig()));
        } catch (ConfigProblems e) {
            LOG.error("The gateway does not start: {}", e.getMessage());
            throw e;
        }
    }

    void check(@Observes @Priority(GatewayLifecycle.STARTUP_PRIORITY - 100) StartupEvent event, HttpSettings s) {
        LOG.info(
                "HTTP: {}; {} users{}",
                s.beyondLoopback() ? "HTTPS beyond this box" : "this box only",
                s.users().size(),
                s.usersFile() == null ? "" : " in " + s.usersFile());
    }
}

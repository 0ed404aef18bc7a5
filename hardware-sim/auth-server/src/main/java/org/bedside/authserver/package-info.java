/**
 * The hospital's authorization server for tests and the secure demo: Keycloak (its distribution from Maven Central)
 * as a child process in dev mode on 127.0.0.1 and an ephemeral port, with an in-memory database, a local cache (no
 * cluster discovery), no tracing or metrics, and realms made through its admin API for the gateway's clients. Keycloak
 * needs Java 21 or newer: {@link org.bedside.authserver.JavaRuntimes} finds one or says that none exists.
 */
@NullMarked
package org.bedside.authserver;

import org.jspecify.annotations.NullMarked;

/**
 * The hospital sandbox: a real HAPI FHIR JPA server (FHIR R4, H2 in memory or in a file) bound to 127.0.0.1, for
 * the demo and the end-to-end tests. It is a plain Spring context served by Jetty 12 (no Spring Boot), kept in a
 * Maven module of its own that imports only HAPI's BOM, and started as a separate process (see
 * {@code org.bedside.sandbox.FhirSandboxProcess} in hardware-sim). Conditional creates in transaction Bundles,
 * {@code $validate} against the R4 core and vital-signs profiles (offline) and an H2 file database that survives
 * restarts are what the gateway's tests rely on.
 */
@NullMarked
package org.bedside.sandbox;

import org.jspecify.annotations.NullMarked;

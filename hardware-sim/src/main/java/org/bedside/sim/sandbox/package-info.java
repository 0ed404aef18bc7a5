/**
 * Starts the hospital sandbox (the HAPI FHIR JPA server of the {@code fhir-sandbox} module) as a separate OS
 * process for the demo and the end-to-end tests, and stops, kills and restarts it the way an outage would. It runs
 * out of process because the sandbox's Hibernate and Spring versions cannot share a classpath with Quarkus; this
 * package therefore knows nothing of HAPI and only needs the sandbox's {@code target/lib} directory.
 */
@NullMarked
package org.bedside.sim.sandbox;

import org.jspecify.annotations.NullMarked;

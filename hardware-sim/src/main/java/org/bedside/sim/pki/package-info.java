/**
 * A certificate authority for tests and the secure demo: it issues server and client certificates (PEM files) for TLS
 * and mutual TLS on loopback, including the bad ones a test needs (expired, not yet valid, for another host, from an
 * unknown issuer). Never for a real deployment: a hospital's certificates come from its own PKI.
 */
@NullMarked
package org.bedside.sim.pki;

import org.jspecify.annotations.NullMarked;

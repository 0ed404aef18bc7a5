/**
 * TLS for every connection the gateway opens (the FHIR uplink now; MQTT and MLLP clients use the same code): an
 * {@link javax.net.ssl.SSLContext} and {@link javax.net.ssl.SSLParameters} built from PEM files, TLS 1.2 or newer only,
 * the host name always verified, revocation checked only where configured. Files are re-read when they change, a
 * certificate close to its end is warned about, and a failed handshake is explained in one sentence that names the
 * certificate, its validity and the cause (including a wall clock that cannot be right). Secrets (private keys,
 * passwords) are read only from files that their owner alone can read, and never appear in a message. {@link TlsServer}
 * is the same for a listener that requires client certificates (the MLLP listeners).
 */
@NullMarked
package org.bedside.common.tls;

import org.jspecify.annotations.NullMarked;

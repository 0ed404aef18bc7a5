/**
 * How the uplink proves who it is to the FHIR server: SMART Backend Services (OAuth 2.0 client credentials with a
 * {@code private_key_jwt} assertion, RS384/ES384, or RS256/PS256 with an {@code x5t} header for Microsoft Entra ID), a
 * client secret ({@code client_secret_basic}/{@code client_secret_post}), a static bearer token from a file, or nothing.
 * Built on the Nimbus OAuth 2.0 SDK. The uploader asks a {@link org.bedside.uplink.auth.FhirAuthorization} for the
 * {@code Authorization} header and tells it what the FHIR server answered (401, 403, success); tokens are cached and
 * renewed before they expire, a 401 renews once, and a refusal is a state that names its cause and waits with back-off
 * rather than hammering either server. No token, assertion or secret ever appears in a message or the status.
 */
@NullMarked
package org.bedside.uplink.auth;

import org.jspecify.annotations.NullMarked;

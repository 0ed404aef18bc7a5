/**
 * SenML (RFC 8428) JSON, both ways: {@link org.bedside.drivers.senml.SenmlMqttDriver} decodes the packs that sensors
 * publish over MQTT into readings (names mapped to MDC through {@link org.bedside.drivers.senml.SenmlNames}), and
 * {@link org.bedside.drivers.senml.SenmlEncoder} writes readings as packs for the MQTT egress, with the UCUM unit, the
 * MDC code, the receive time, the quality and the reading's identity as extension fields. Pure code over Jackson's
 * streaming parser and generator. See docs/mqtt.md for the formats with examples.
 */
@NullMarked
package org.bedside.drivers.senml;

import org.jspecify.annotations.NullMarked;

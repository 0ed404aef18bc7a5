/**
 * {@code bedside doctor} and {@code bedside check-config}: plain Java, no Quarkus started, so that it runs beside a
 * gateway without taking its ports. {@link org.bedside.runtime.doctor.Doctor} reads the configuration with the
 * gateway's own parser ({@link org.bedside.runtime.config.ConfigFile}) and runs one {@link
 * org.bedside.runtime.doctor.Check} per concern; each says OK or what to do.
 */
@NullMarked
package org.bedside.runtime.doctor;

import org.jspecify.annotations.NullMarked;

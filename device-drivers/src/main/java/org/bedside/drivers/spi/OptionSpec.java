package org.bedside.drivers.spi;

/**
 * One configuration key a driver understands, under {@code gateway.devices.<name>.options}, with its default and what
 * it does. Drivers describe themselves so that configuration errors can name the key and list what is allowed.
 */
public record OptionSpec(String key, String defaultValue, String description) {}

package org.bedside.model;

/**
 * A unit of measure as a UCUM code ({@code %}, {@code /min}, {@code mm[Hg]}, {@code Cel}) with the text shown to
 * people. The code is what machines compare; the display is for FHIR's {@code Quantity.unit} and status pages.
 */
public record UcumUnit(String code, String display) {
    public static final UcumUnit PERCENT = new UcumUnit("%", "%");
    public static final UcumUnit PER_MINUTE = new UcumUnit("/min", "/min");
    public static final UcumUnit BEATS_PER_MINUTE = new UcumUnit("/min", "beats/minute");
    public static final UcumUnit DIMENSIONLESS = new UcumUnit("1", "1");
    public static final UcumUnit MM_HG = new UcumUnit("mm[Hg]", "mmHg");
    public static final UcumUnit CELSIUS = new UcumUnit("Cel", "°C");

    public UcumUnit {
        if (code.isBlank()) {
            throw new IllegalArgumentException("a UCUM code must not be blank");
        }
    }
}

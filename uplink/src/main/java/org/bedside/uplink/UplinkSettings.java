package org.bedside.uplink;

import java.net.URI;
import java.time.Duration;

/**
 * How the uplink talks to the FHIR server.
 *
 * @param baseUrl the FHIR base, such as {@code https://fhir.hospital.org/fhir}
 * @param gatewayId this gateway's stable name: part of every identifier it writes
 * @param chartingInterval one value per device and metric per interval (the latest valid one); {@link Duration#ZERO}
 *     charts every reading
 * @param maxBundleEntries the most Observations in one transaction Bundle
 * @param maxClockSkew how far a device's clock may be from the gateway's before its time is not used for charting
 * @param security TLS and authorization for the FHIR server ({@link UplinkSecurity#none()} by default)
 * @param validation plausibility ranges and preliminary charting ({@link ChartingValidation#none()} by default)
 */
public record UplinkSettings(
        URI baseUrl,
        String gatewayId,
        Duration chartingInterval,
        int maxBundleEntries,
        Duration requestTimeout,
        Duration retryInitialDelay,
        Duration retryMaxDelay,
        Duration maxClockSkew,
        String identifierSystem,
        UplinkSecurity security,
        ChartingValidation validation) {

    public static final String DEFAULT_IDENTIFIER_SYSTEM = "urn:bedside:observation";
    public static final String DEVICE_IDENTIFIER_SYSTEM = "urn:bedside:device";

    public UplinkSettings {
        if (chartingInterval.isNegative()) {
            throw new IllegalArgumentException("charting interval must not be negative: " + chartingInterval);
        }
        if (!chartingInterval.isZero() && (chartingInterval.toMillis() % 1000 != 0)) {
            throw new IllegalArgumentException("charting interval must be whole seconds: " + chartingInterval);
        }
        if (maxBundleEntries < 1) {
            throw new IllegalArgumentException("bundle size must be at least 1: " + maxBundleEntries);
        }
    }

    /** Without plausibility checks ({@link ChartingValidation#none()}). */
    public UplinkSettings(
            URI baseUrl,
            String gatewayId,
            Duration chartingInterval,
            int maxBundleEntries,
            Duration requestTimeout,
            Duration retryInitialDelay,
            Duration retryMaxDelay,
            Duration maxClockSkew,
            String identifierSystem,
            UplinkSecurity security) {
        this(
                baseUrl,
                gatewayId,
                chartingInterval,
                maxBundleEntries,
                requestTimeout,
                retryInitialDelay,
                retryMaxDelay,
                maxClockSkew,
                identifierSystem,
                security,
                ChartingValidation.none());
    }

    /** Without TLS settings or credentials ({@link UplinkSecurity#none()}). */
    public UplinkSettings(
            URI baseUrl,
            String gatewayId,
            Duration chartingInterval,
            int maxBundleEntries,
            Duration requestTimeout,
            Duration retryInitialDelay,
            Duration retryMaxDelay,
            Duration maxClockSkew,
            String identifierSystem) {
        this(
                baseUrl,
                gatewayId,
                chartingInterval,
                maxBundleEntries,
                requestTimeout,
                retryInitialDelay,
                retryMaxDelay,
                maxClockSkew,
                identifierSystem,
                UplinkSecurity.none());
    }

    public static UplinkSettings defaults(URI baseUrl, String gatewayId) {
        return new UplinkSettings(
                baseUrl,
                gatewayId,
                Duration.ofMinutes(1),
                100,
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofSeconds(60),
                Duration.ofMinutes(2),
                DEFAULT_IDENTIFIER_SYSTEM);
    }

    public boolean everyReading() {
        return chartingInterval.isZero();
    }

    public UplinkSettings withChartingInterval(Duration interval) {
        return new UplinkSettings(
                baseUrl,
                gatewayId,
                interval,
                maxBundleEntries,
                requestTimeout,
                retryInitialDelay,
                retryMaxDelay,
                maxClockSkew,
                identifierSystem,
                security,
                validation);
    }

    public UplinkSettings withValidation(ChartingValidation newValidation) {
        return new UplinkSettings(
                baseUrl,
                gatewayId,
                chartingInterval,
                maxBundleEntries,
                requestTimeout,
                retryInitialDelay,
                retryMaxDelay,
                maxClockSkew,
                identifierSystem,
                security,
                newValidation);
    }

    public UplinkSettings withSecurity(UplinkSecurity newSecurity) {
        return new UplinkSettings(
                baseUrl,
                gatewayId,
                chartingInterval,
                maxBundleEntries,
                requestTimeout,
                retryInitialDelay,
                retryMaxDelay,
                maxClockSkew,
                identifierSystem,
                newSecurity,
                validation);
    }
}

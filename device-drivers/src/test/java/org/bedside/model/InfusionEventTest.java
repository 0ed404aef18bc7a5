package org.bedside.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A pump's PCD-10 event: its identity, and what it refuses. */
class InfusionEventTest {
    private static final DeviceId PUMP = DeviceId.of("icu3002-pump");
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    @Test
    void aPumpEventSaysWhyWhenItIsUnknownAndKeepsOnlyPrintableText() {
        InfusionEvent start = new InfusionEvent(
                PUMP, "1.1.2", 197288, "MDC_EVT_PUMP_DELIV_START", InfusionEvent.Kind.DELIVERY_START, "", null, T0);
        assertThat(start.key()).isEqualTo("icu3002-pump/infusion-event:197288/" + Reading.epochMicros(T0));
        assertThat(start.withReceivedAt(T0.plusSeconds(1)).receivedAt()).isEqualTo(T0.plusSeconds(1));
        assertThatThrownBy(() -> new InfusionEvent(PUMP, null, 5, "", InfusionEvent.Kind.UNKNOWN, "", null, T0))
                .hasMessageContaining("says why");
        assertThatThrownBy(() ->
                        new InfusionEvent(PUMP, null, 5, "", InfusionEvent.Kind.DELIVERY_STOP, "because", null, T0))
                .hasMessageContaining("no reason");
        assertThatThrownBy(() ->
                        new InfusionEvent(PUMP, null, 5, "MDC\u0000", InfusionEvent.Kind.DELIVERY_STOP, "", null, T0))
                .hasMessageContaining("printable");
        assertThatThrownBy(() -> new InfusionEvent(
                        PUMP, "a channel with spaces", 5, "", InfusionEvent.Kind.DELIVERY_STOP, "", null, T0))
                .hasMessageContaining("pump channel");
    }
}

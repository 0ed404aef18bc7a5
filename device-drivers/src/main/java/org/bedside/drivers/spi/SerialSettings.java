package org.bedside.drivers.spi;

import java.util.Locale;

/**
 * Line settings of a serial port, such as Masimo's 9600 8N1. Drivers give their device's defaults; the configuration
 * may override them per device when a monitor was set up differently.
 */
public record SerialSettings(int baudRate, int dataBits, Parity parity, StopBits stopBits, FlowControl flowControl) {

    public enum Parity {
        NONE,
        EVEN,
        ODD
    }

    public enum StopBits {
        ONE,
        TWO
    }

    public enum FlowControl {
        NONE,
        RTS_CTS,
        XON_XOFF
    }

    public SerialSettings {
        if (baudRate <= 0) {
            throw new IllegalArgumentException("baud rate must be positive: " + baudRate);
        }
        if (dataBits < 5 || dataBits > 8) {
            throw new IllegalArgumentException("data bits must be 5 to 8: " + dataBits);
        }
    }

    public static SerialSettings of8N1(int baudRate) {
        return new SerialSettings(baudRate, 8, Parity.NONE, StopBits.ONE, FlowControl.NONE);
    }

    /** The usual short form: {@code 9600 8N1}. */
    @Override
    public String toString() {
        return baudRate + " " + dataBits + parity.name().charAt(0) + (stopBits == StopBits.ONE ? "1" : "2")
                + (flowControl == FlowControl.NONE
                        ? ""
                        : " " + flowControl.name().toLowerCase(Locale.ROOT));
    }
}

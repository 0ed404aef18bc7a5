package org.bedside.drivers.spi;

/** The kinds of link a driver can speak over. */
public enum TransportKind {
    /** A serial port (RS-232, USB-serial): {@code port: /dev/serial/by-id/...}. */
    SERIAL,
    /** UDP datagrams, one message per datagram: {@code port: udp://host:port}. */
    UDP,
    /** A TCP connection, a byte stream like a serial line: {@code port: tcp://host:port}. */
    TCP,
    /** MQTT: whole messages from subscribed topics of a broker: {@code port: mqtt://host:port/topic}. */
    MQTT
}

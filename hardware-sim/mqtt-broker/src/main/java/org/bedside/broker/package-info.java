/**
 * The MQTT broker of the demo and the tests: HiveMQ Community Edition embedded, run as a separate process ({@link
 * org.bedside.broker.MqttBrokerProcess} starts {@link org.bedside.broker.MqttBroker}). It persists sessions and queued
 * messages in a data directory (so a restart keeps them), speaks TLS with a server certificate from PEM files and,
 * optionally, requires client certificates, and lets in only the users of its users file, each with its own topic
 * rules ({@link org.bedside.broker.BrokerUsers}). Anonymous usage statistics, which HiveMQ's default configuration
 * sends to the vendor, are switched off in the configuration it writes.
 */
@NullMarked
package org.bedside.broker;

import org.jspecify.annotations.NullMarked;

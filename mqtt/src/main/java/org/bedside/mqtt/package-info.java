/**
 * MQTT through Eclipse Paho (MQTT 5). Paho keeps nothing on disk ({@code MemoryPersistence}) and buffers nothing while
 * offline: the Chronicle buffer is the only store. See docs/mqtt.md.
 */
@NullMarked
package org.bedside.mqtt;

import org.jspecify.annotations.NullMarked;

/**
 * The gateway's side of systemd's service protocol ({@code Type=notify}): {@link
 * org.bedside.runtime.systemd.NotifySocket} sends datagrams to {@code $NOTIFY_SOCKET} through libc (JNA: Java has no
 * AF_UNIX datagram sockets), {@link org.bedside.runtime.systemd.Watchdog} decides whether the gateway's loops are
 * turning, and {@link org.bedside.runtime.systemd.SystemdNotifications} sends READY, STOPPING and the watchdog pings.
 * Without {@code NOTIFY_SOCKET} (not started by systemd) nothing is sent.
 */
@NullMarked
package org.bedside.runtime.systemd;

import org.jspecify.annotations.NullMarked;

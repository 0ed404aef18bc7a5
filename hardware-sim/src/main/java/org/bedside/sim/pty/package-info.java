/**
 * Virtual serial ports that are real pseudo-terminals ({@code posix_openpt} through JNA): the gateway opens the
 * terminal side with jSerialComm exactly as it opens a USB-serial adapter, and the kernel's tty layer sits in between.
 * No socat, no hardware. Linux only.
 */
@NullMarked
package org.bedside.sim.pty;

import org.jspecify.annotations.NullMarked;

/**
 * Transports open byte {@link org.bedside.drivers.transport.Link}s to devices. They know ports, baud rates and sockets,
 * nothing about protocols.
 */
@NullMarked
package org.bedside.drivers.transport;

import org.jspecify.annotations.NullMarked;

/**
 * Decodes a raw capture file with a driver, with no network and no gateway: the tool behind {@code bedside replay}.
 */
@NullMarked
package org.bedside.drivers.replay;

import org.jspecify.annotations.NullMarked;

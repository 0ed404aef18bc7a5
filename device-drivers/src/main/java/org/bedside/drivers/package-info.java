/** The list of drivers the gateway ships, by their stable codes. */
@NullMarked
package org.bedside.drivers;

import org.jspecify.annotations.NullMarked;

/** Small pieces shared by the drivers, the uplink and the runtime: back-off with jitter, rate-limited logging. */
@NullMarked
package org.bedside.common;

import org.jspecify.annotations.NullMarked;

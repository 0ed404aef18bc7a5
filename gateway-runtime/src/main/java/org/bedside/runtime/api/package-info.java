/**
 * The status page for biomed ({@code /}) and its data as JSON ({@code /api/status}): which device is connected, what was
 * charted last, how much is waiting.
 */
@NullMarked
package org.bedside.runtime.api;

import org.jspecify.annotations.NullMarked;

/**
 * The durable store. Device pipelines {@link org.bedside.buffer.ReadingStore#append append} every frame's readings
 * before anything else happens to them; consumers (the uplink, later the alarm engine) read through named {@link
 * org.bedside.buffer.ReadingCursor cursors} whose position moves only when the consumer commits, so a crash replays
 * what was not acknowledged and loses nothing.
 */
@NullMarked
package org.bedside.buffer;

import org.jspecify.annotations.NullMarked;

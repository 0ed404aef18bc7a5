/**
 * The Chronicle Queue implementation of the store. Chronicle types stay inside this package: nothing outside the buffer
 * module knows which log engine sits underneath.
 */
@NullMarked
package org.bedside.buffer.chronicle;

import org.jspecify.annotations.NullMarked;

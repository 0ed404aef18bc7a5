/**
 * Nonin pulse oximeters' serial binary formats: Data Format 13 (Onyx II 9560, WristOx2 3150 and the OEM modules set to
 * it) and Data Format 2 (OEM III module). Both stream packets of 25 five-byte frames, 75 frames a second, each frame
 * with its status byte and additive checksum. See docs/drivers/nonin.md and ../shared/design/protocols.md section 4.2.
 * Only {@link org.bedside.drivers.nonin.NoninDf13Driver} and {@link org.bedside.drivers.nonin.NoninDf2Driver} are
 * public.
 */
@NullMarked
package org.bedside.drivers.nonin;

import org.jspecify.annotations.NullMarked;

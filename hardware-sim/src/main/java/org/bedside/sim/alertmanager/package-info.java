/** A stand-in for a hospital's Alert Manager: takes IHE PCD-04 over MLLP and logs every message. */
@NullMarked
package org.bedside.sim.alertmanager;

import org.jspecify.annotations.NullMarked;

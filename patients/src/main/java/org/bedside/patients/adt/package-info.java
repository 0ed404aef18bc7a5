/** ADT messages over MLLP into the patient association: the listener's handler. */
@NullMarked
package org.bedside.patients.adt;

import org.jspecify.annotations.NullMarked;

/**
 * ADT messages (HL7 v2 chapter 3) read into a small sealed model, {@link org.bedside.hl7.adt.AdtEvent}, for the
 * patient association: the trigger, the control id and times, the patient's identifiers with their assigning
 * authorities, and the bed. Pure extraction, no association logic.
 */
@NullMarked
package org.bedside.hl7.adt;

import org.jspecify.annotations.NullMarked;

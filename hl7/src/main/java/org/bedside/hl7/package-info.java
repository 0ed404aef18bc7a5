/**
 * HL7 v2 on HAPI HL7v2, shared by the MLLP transport and the message mappers: {@link org.bedside.hl7.Hl7Parser} (bytes
 * to a HAPI message, with the character set MSH-18 declares), {@link org.bedside.hl7.MessageHeader}, and failures as
 * values ({@link org.bedside.hl7.Hl7Result}, {@link org.bedside.hl7.Hl7Failure} with a {@link
 * org.bedside.hl7.FailureReason} and the field at fault). Nothing here hand-parses HL7: HAPI reads and writes every
 * message.
 */
@NullMarked
package org.bedside.hl7;

import org.jspecify.annotations.NullMarked;

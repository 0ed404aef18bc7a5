/** The command-line tool {@code bedside adt}: ADT messages built with HAPI and sent over MLLP with HAPI's client. */
@NullMarked
package org.bedside.patients.tools;

import org.jspecify.annotations.NullMarked;

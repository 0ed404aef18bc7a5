package org.bedside.runtime.doctor;

/** One concern of the doctor: a serial port, the clock, the disk, the FHIR server... Never throws. */
@FunctionalInterface
public interface Check {
    Finding run();
}

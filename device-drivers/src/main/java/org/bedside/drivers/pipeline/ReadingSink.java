package org.bedside.drivers.pipeline;

import java.io.IOException;
import java.util.List;
import org.bedside.model.Reading;

/** Where a pipeline delivers each frame's readings: the durable store. */
@FunctionalInterface
public interface ReadingSink {

    /**
     * Accepts the readings of one frame, all of one device, as one unit.
     *
     * @throws IOException if they could not be accepted (the disk is full); the pipeline counts it and goes on
     */
    void accept(List<Reading> readings) throws IOException;
}

package org.bedside.drivers.spi;

import java.util.List;
import org.bedside.model.Reading;

/** What a {@link MessageDecoder} made of one frame: readings, or a failure that says why not. */
public sealed interface DecodeResult permits DecodeResult.Decoded, DecodeFailure {

    /** A frame that decoded; it may hold no readings (a keep-alive, an empty poll result). */
    record Decoded(List<Reading> readings) implements DecodeResult {
        public Decoded {
            readings = List.copyOf(readings);
        }
    }

    static DecodeResult of(List<Reading> readings) {
        return new Decoded(readings);
    }
}

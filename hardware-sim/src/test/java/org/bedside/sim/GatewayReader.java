package org.bedside.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.spi.SerialSettings;
import org.bedside.drivers.transport.Link;
import org.bedside.drivers.transport.SerialTransport;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway does with a Masimo port, minus the threads: opens it with jSerialComm, frames and decodes what
 * arrives, and keeps each frame's outcome in order. Reads happen in {@link #readUntil}, on the test's thread.
 */
final class GatewayReader implements AutoCloseable {

    /** One frame's outcome: the readings of a decoded line, or a failure. */
    record Event(List<Reading> line, @Nullable DecodeFailure failure) {
        Instant deviceTime() {
            Instant t = line.get(0).deviceTime();
            if (t == null) {
                throw new IllegalStateException("a Masimo line always has a device time");
            }
            return t;
        }
    }

    private final Link link;
    private final FrameDecoder framer = MasimoDecoding.framer();
    private final MessageDecoder decoder = MasimoDecoding.decoder();
    private final List<Event> events = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(4096);
    private final FrameSink sink = new FrameSink() {
        @Override
        public void frame(ByteBuffer frame) {
            DecodeResult r = decoder.decode(frame, Instant.now());
            if (r instanceof DecodeResult.Decoded d) {
                events.add(new Event(d.readings(), null));
            } else {
                events.add(new Event(List.of(), (DecodeFailure) r));
            }
        }

        @Override
        public void failure(DecodeFailure failure) {
            events.add(new Event(List.of(), failure));
        }
    };

    private GatewayReader(Link link) {
        this.link = link;
    }

    static GatewayReader open(Path port) throws IOException {
        return new GatewayReader(new SerialTransport(port, SerialSettings.of8N1(9600)).open());
    }

    /**
     * Reads and decodes until {@code done} holds or the timeout passes.
     *
     * @return whether {@code done} held
     * @throws IOException as the link throws it, such as {@link org.bedside.drivers.transport.LinkLostException}
     */
    boolean readUntil(BooleanSupplier done, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            buffer.clear();
            if (link.read(buffer, Duration.ofMillis(100)) > 0) {
                buffer.flip();
                framer.feed(buffer, sink);
            }
        }
        return true;
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    List<Event> lines() {
        return events.stream().filter(e -> e.failure() == null).toList();
    }

    List<DecodeFailure> failures() {
        return events.stream().map(Event::failure).filter(f -> f != null).toList();
    }

    /** Decoded lines after the last failure. */
    int linesSinceLastFailure() {
        int n = 0;
        for (int i = events.size() - 1; i >= 0 && events.get(i).failure() == null; i--) {
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        link.close();
    }
}

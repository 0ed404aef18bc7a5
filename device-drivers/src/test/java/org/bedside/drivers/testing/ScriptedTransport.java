package org.bedside.drivers.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bedside.drivers.transport.Link;
import org.bedside.drivers.transport.LinkLostException;
import org.bedside.drivers.transport.Transport;

/**
 * A transport whose links replay scripts: each {@link #open()} takes the next script, which is either a failure to
 * open or a list of chunks to deliver. Chunks pushed later with {@link #push} go to the current link; {@link #drop}
 * makes its next read fail as a pulled cable would.
 */
public final class ScriptedTransport implements Transport {
    private final Deque<Object> scripts = new ArrayDeque<>();
    private final List<String> written = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile ScriptedLink current;
    private int opens;

    public synchronized ScriptedTransport failToOpen(String message) {
        scripts.add(new IOException(message));
        return this;
    }

    public synchronized ScriptedTransport link(List<byte[]> chunks) {
        scripts.add(chunks);
        return this;
    }

    public synchronized int opens() {
        return opens;
    }

    public void push(byte[] chunk) {
        current.incoming.add(chunk);
    }

    /** Everything written to any link, one entry per write, as ISO-8859-1 text. */
    public List<String> written() {
        synchronized (written) {
            return List.copyOf(written);
        }
    }

    public void drop() {
        current.incoming.add(LOST);
    }

    private static final byte[] LOST = new byte[0];

    @Override
    @SuppressWarnings("unchecked")
    public synchronized Link open() throws IOException {
        opens++;
        Object next = scripts.poll();
        if (next == null) {
            throw new IOException("no more scripted links");
        }
        if (next instanceof IOException e) {
            throw e;
        }
        ScriptedLink link = new ScriptedLink();
        link.incoming.addAll((List<byte[]>) next);
        current = link;
        return link;
    }

    @Override
    public String describe() {
        return "scripted";
    }

    private final class ScriptedLink implements Link {
        final BlockingQueue<byte[]> incoming = new LinkedBlockingQueue<>();
        volatile boolean closed;

        @Override
        public int read(ByteBuffer into, Duration timeout) throws IOException {
            if (closed) {
                throw new LinkLostException("closed");
            }
            byte[] chunk;
            try {
                chunk = incoming.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
            if (chunk == null) {
                return 0;
            }
            if (chunk == LOST) {
                throw new LinkLostException("cable pulled");
            }
            into.put(chunk);
            return chunk.length;
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            if (closed) {
                throw new LinkLostException("closed");
            }
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            written.add(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}

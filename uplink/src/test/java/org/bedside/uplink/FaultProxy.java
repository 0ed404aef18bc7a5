package org.bedside.uplink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hostile network in front of the real FHIR server: an HTTP/1.1 proxy that, request by request, answers 503, 429
 * with Retry-After, never answers (a timeout), answers slowly, forwards and then resets the connection before the
 * response (the server committed, the client does not know), or fails the whole transaction with a 500. The faults
 * are the ones a real server cannot be made to produce on demand; the server behind it is real.
 */
final class FaultProxy implements AutoCloseable {

    sealed interface Fault permits Status, Redirect, Hang, Slow, ResetAfterForward {}

    /** Answer with a redirect to {@code location} without forwarding, as a misconfigured proxy or base URL would. */
    record Redirect(int code, String location) implements Fault {}

    /** Answer with this status (and Retry-After, if given) without forwarding. */
    record Status(int code, int retryAfterSeconds) implements Fault {}

    /** Hold the request without answering, then close. */
    record Hang(Duration duration) implements Fault {}

    /** Wait, then forward. */
    record Slow(Duration delay) implements Fault {}

    /** Forward (the server commits), then reset the connection before any response byte. */
    record ResetAfterForward() implements Fault {}

    private final URI target;
    private final ServerSocket server;
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final List<Instant> posts = new CopyOnWriteArrayList<>();
    private final AtomicInteger forwarded = new AtomicInteger();
    private volatile boolean open = true;

    FaultProxy(String targetBase) throws IOException {
        this.target = URI.create(targetBase);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "fault-proxy");
        t.setDaemon(true);
        t.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + target.getPath();
    }

    void enqueue(Fault... f) {
        faults.addAll(List.of(f));
    }

    List<Instant> posts() {
        synchronized (posts) {
            return List.copyOf(posts);
        }
    }

    int forwarded() {
        return forwarded.get();
    }

    private void accept() {
        while (open) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "fault-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (open) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String[] lines = head.split("\r\n");
                String[] requestLine = lines[0].split(" ");
                String method = requestLine[0];
                String path = requestLine[1];
                int length = 0;
                String contentType = "application/fhir+json";
                for (String line : lines) {
                    String lower = line.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    } else if (lower.startsWith("content-type:")) {
                        contentType = line.substring(13).trim();
                    }
                }
                byte[] body = in.readNBytes(length);
                Fault fault = method.equals("POST") ? faults.poll() : null;
                if (method.equals("POST")) {
                    posts.add(Instant.now());
                }
                if (fault instanceof Status st) {
                    String outcome = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                            + "\"code\":\"transient\",\"diagnostics\":\"injected " + st.code() + "\"}]}";
                    respond(
                            out,
                            st.code(),
                            st.retryAfterSeconds() > 0 ? "Retry-After: " + st.retryAfterSeconds() + "\r\n" : "",
                            outcome.getBytes(StandardCharsets.UTF_8));
                    continue;
                }
                if (fault instanceof Redirect rd) {
                    respond(out, rd.code(), "Location: " + rd.location() + "\r\n", new byte[0]);
                    continue;
                }
                if (fault instanceof Hang h) {
                    Thread.sleep(h.duration().toMillis());
                    return;
                }
                if (fault instanceof Slow slow) {
                    Thread.sleep(slow.delay().toMillis());
                }
                HttpResponse<byte[]> r = client.send(
                        HttpRequest.newBuilder(target.resolve(path))
                                .method(
                                        method,
                                        body.length == 0
                                                ? HttpRequest.BodyPublishers.noBody()
                                                : HttpRequest.BodyPublishers.ofByteArray(body))
                                .header("Content-Type", contentType)
                                .header("Accept", "application/fhir+json")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                forwarded.incrementAndGet();
                if (fault instanceof ResetAfterForward) {
                    s.setSoLinger(true, 0);
                    return; // close with RST: the client sees a reset, the server has committed
                }
                respond(out, r.statusCode(), "", r.body());
            }
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(OutputStream out, int status, String extraHeaders, byte[] body) throws IOException {
        String head = "HTTP/1.1 " + status + " X\r\nContent-Type: application/fhir+json\r\nContent-Length: "
                + body.length + "\r\n" + extraHeaders + "\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                    ? state + 1
                    : (c == '\r' ? 1 : 0);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        open = false;
        server.close();
    }
}

package org.bedside.runtime.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium (Debian's {@code chromium} package), driven over its DevTools protocol with the JDK's own
 * WebSocket client: no driver binary, no driver manager that would download one, no dependency. One tab; sizes, pages,
 * JavaScript checks and screenshots. Chromium is started with its background networking off, so that it connects to
 * nothing but the page under test.
 */
final class Browser implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();

    private Browser(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Chromium's executable, if this machine has one: {@code -Dbedside.chromium=PATH}, or Debian's. */
    static Optional<Path> executable() {
        List<String> candidates = new ArrayList<>();
        String configured = System.getProperty("bedside.chromium");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.addAll(List.of("/usr/bin/chromium", "/usr/bin/chromium-browser"));
        return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    /** Starts Chromium with a fresh profile in {@code profile} and attaches to its first tab. */
    static Browser start(Path executable, Path profile) throws IOException, InterruptedException {
        Files.createDirectories(profile);
        List<String> cmd = List.of(
                executable.toString(),
                "--headless=new",
                "--no-sandbox", // tests run as root in containers, where Chromium's sandbox cannot start
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-extensions",
                "--disable-breakpad",
                "--disable-domain-reliability",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "about:blank");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile())
                .start();
        try {
            int port = devToolsPort(p, profile.resolve("DevToolsActivePort"));
            HttpClient http = HttpClient.newHttpClient();
            String pageSocket = pageSocket(http, port);
            Browser[] self = new Browser[1];
            WebSocket ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
                        private final StringBuilder partial = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                String message = partial.toString();
                                partial.setLength(0);
                                Browser b = self[0];
                                if (b != null) {
                                    b.onMessage(message);
                                }
                            }
                            webSocket.request(1);
                            return null;
                        }
                    })
                    .get(30, TimeUnit.SECONDS);
            Browser b = new Browser(p, ws);
            self[0] = b;
            b.call("Page.enable", JSON.createObjectNode());
            b.call("Runtime.enable", JSON.createObjectNode());
            return b;
        } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IOException("Chromium did not start for DevTools: " + e.getMessage(), e);
        }
    }

    private static int devToolsPort(Process p, Path file) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("Chromium exited with " + p.exitValue());
            }
            if (Files.isRegularFile(file)) {
                List<String> lines = Files.readAllLines(file);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Integer.parseInt(lines.get(0).trim());
                }
            }
            Thread.sleep(50);
        }
        throw new IOException("Chromium wrote no DevToolsActivePort within 30 s");
    }

    private static String pageSocket(HttpClient http, int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode target : JSON.readTree(r.body())) {
                if ("page".equals(target.path("type").asText())) {
                    return target.path("webSocketDebuggerUrl").asText();
                }
            }
            Thread.sleep(50);
        }
        throw new IOException("Chromium has no tab to attach to");
    }

    private void onMessage(String message) {
        try {
            JsonNode m = JSON.readTree(message);
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = calls.remove(m.get("id").asInt());
                if (f != null) {
                    f.complete(m);
                }
            }
            // Events (no id) are not used.
        } catch (IOException e) {
            calls.values().forEach(f -> f.completeExceptionally(e));
        }
    }

    /** Calls a DevTools method; its {@code result}, or an error naming the method. */
    JsonNode call(String method, ObjectNode params) throws IOException {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        calls.put(id, answer);
        ObjectNode request = JSON.createObjectNode();
        request.put("id", id).put("method", method).set("params", params);
        try {
            socket.sendText(JSON.writeValueAsString(request), true).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode m = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (m.has("error")) {
                throw new IOException(method + ": " + m.get("error"));
            }
            return m.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(method + " interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(method + ": no answer from Chromium (" + e + ")", e);
        } finally {
            calls.remove(id);
        }
    }

    /** The viewport, as a desktop screen or (with {@code mobile}) a phone. */
    void size(int width, int height, boolean mobile) throws IOException {
        ObjectNode p = JSON.createObjectNode();
        p.put("width", width).put("height", height).put("deviceScaleFactor", 1).put("mobile", mobile);
        call("Emulation.setDeviceMetricsOverride", p);
    }

    void open(URI url) throws IOException {
        ObjectNode p = JSON.createObjectNode();
        p.put("url", url.toString());
        call("Page.navigate", p);
    }

    /** Evaluates an expression in the page (promises awaited); its value, or an error with the page's exception. */
    JsonNode eval(String expression) throws IOException {
        ObjectNode p = JSON.createObjectNode();
        p.put("expression", expression).put("returnByValue", true).put("awaitPromise", true);
        JsonNode r = call("Runtime.evaluate", p);
        if (r.has("exceptionDetails")) {
            throw new IOException("the page threw: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Polls {@code expression} until it is true; fails naming {@code what} and the page's text otherwise. */
    void awaitTrue(String what, Duration timeout, String expression) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (eval(expression).asBoolean(false)) {
                    return;
                }
            } catch (IOException e) {
                // A page still loading (navigation destroys the context) answers with an error: look again.
            }
            Thread.sleep(100);
        }
        String text;
        try {
            text = eval("document.body ? document.body.innerText : '(no body)'").asText();
        } catch (IOException e) {
            text = "(the page does not answer: " + e.getMessage() + ")";
        }
        throw new AssertionError("not within " + timeout + ": " + what + "\nThe page says:\n" + text);
    }

    /**
     * A PNG of the whole page, beyond the viewport. Chromium refuses a capture ("Cannot take screenshot with 0
     * width") while it has no laid-out content for a moment (seen once in CI after a server restart), so this waits
     * for the page's content size, up to the call time-out, and clips to it.
     */
    void screenshot(Path png) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
        JsonNode size = call("Page.getLayoutMetrics", JSON.createObjectNode()).path("cssContentSize");
        while (size.path("width").asDouble() < 1 || size.path("height").asDouble() < 1) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the page has no content to capture (content size " + size + ")");
            }
            Thread.sleep(100);
            size = call("Page.getLayoutMetrics", JSON.createObjectNode()).path("cssContentSize");
        }
        ObjectNode clip = JSON.createObjectNode();
        clip.put("x", 0)
                .put("y", 0)
                .put("width", size.path("width").asDouble())
                .put("height", size.path("height").asDouble())
                .put("scale", 1);
        ObjectNode p = JSON.createObjectNode();
        p.put("format", "png").put("captureBeyondViewport", true).set("clip", clip);
        JsonNode r = call("Page.captureScreenshot", p);
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode(r.path("data").asText()));
    }

    @Override
    public void close() throws InterruptedException {
        socket.abort();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}

package io.jenkins.plugins.grocker.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol (a WebSocket on 127.0.0.1, from Java's own
 * client): opens a page, records every uncaught exception, console error, log error (a CSP violation, a failed
 * load) and network request, evaluates expressions and takes full-page screenshots. Started with the flags the
 * build machines need (no sandbox as root, no GPU, no background networking) and a fresh profile directory that
 * {@link #close()} removes. A missing binary is a failure, never a skip.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<JsonNode>> waiters = new CopyOnWriteArrayList<>();
    private final List<String> waitedFor = new CopyOnWriteArrayList<>();
    private String session;

    /** What a page did while it loaded. */
    public record PageLoad(List<String> errors, List<String> requests) {}

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    public static HeadlessChromium start() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: the report tests need Debian's chromium (apt-get install -y chromium)");
        }
        Path profile = Files.createTempDirectory("grocker-chromium-");
        Process process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--disable-extensions", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.exists(profile.resolve("chromium.log")) ? Files.readString(profile.resolve("chromium.log")) : "";
                process.destroyForcibly();
                throw new IllegalStateException("chromium did not open its DevTools port; its output:\n" + log);
            }
            Thread.sleep(50);
        }
        List<String> lines = Files.readAllLines(portFile);
        URI uri = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
        HeadlessChromium[] self = new HeadlessChromium[1];
        StringBuilder partial = new StringBuilder();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            String message = partial.toString();
                            partial.setLength(0);
                            synchronized (self) {
                                self[0].receive(message);
                            }
                        }
                        ws.request(1);
                        return null;
                    }
                }).join();
        HeadlessChromium chromium = new HeadlessChromium(process, profile, socket);
        synchronized (self) {
            self[0] = chromium;
        }
        JsonNode target = chromium.call(null, "Target.createTarget", Map.of("url", "about:blank"));
        JsonNode attached = chromium.call(null, "Target.attachToTarget",
                Map.of("targetId", target.path("targetId").asText(), "flatten", true));
        chromium.session = attached.path("sessionId").asText();
        for (String domain : List.of("Runtime.enable", "Log.enable", "Page.enable", "Network.enable")) {
            chromium.call(chromium.session, domain, Map.of());
        }
        return chromium;
    }

    private void receive(String message) {
        try {
            JsonNode json = MAPPER.readTree(message);
            if (json.has("id")) {
                CompletableFuture<JsonNode> future = pending.remove(json.get("id").asInt());
                if (future != null) {
                    future.complete(json);
                }
                return;
            }
            events.add(json);
            String method = json.path("method").asText();
            for (int i = 0; i < waitedFor.size(); i++) {
                if (waitedFor.get(i).equals(method)) {
                    waiters.get(i).complete(json);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode call(String sessionId, String method, Map<String, ?> params) {
        int id = ids.incrementAndGet();
        ObjectNode message = MAPPER.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        message.set("params", MAPPER.valueToTree(params));
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(message.toString(), true).join();
        try {
            JsonNode json = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (json.has("error")) {
                throw new IllegalStateException(method + " failed: " + json.get("error"));
            }
            return json.path("result");
        } catch (Exception e) {
            throw new IllegalStateException("DevTools call " + method + " failed: " + e, e);
        }
    }

    /**
     * Opens a page and waits for its load event (and a little more, for late errors); returns the errors and the
     * URLs of every request it made.
     */
    public PageLoad open(Path file) throws InterruptedException {
        events.clear();
        CompletableFuture<JsonNode> loaded = new CompletableFuture<>();
        waiters.add(loaded);
        waitedFor.add("Page.loadEventFired");
        call(session, "Page.navigate", Map.of("url", file.toUri().toString()));
        try {
            loaded.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the page " + file + " did not finish loading", e);
        }
        evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 200)))");
        List<String> errors = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        for (JsonNode event : events) {
            JsonNode params = event.path("params");
            switch (event.path("method").asText()) {
                case "Runtime.exceptionThrown" -> errors.add("exception: " + params.path("exceptionDetails").path("exception")
                        .path("description").asText(params.path("exceptionDetails").path("text").asText()));
                case "Runtime.consoleAPICalled" -> {
                    if (List.of("error", "assert").contains(params.path("type").asText())) {
                        errors.add("console." + params.path("type").asText() + ": " + params.path("args"));
                    }
                }
                case "Log.entryAdded" -> {
                    if (params.path("entry").path("level").asText().equals("error")) {
                        errors.add("log: " + params.path("entry").path("text").asText() + " " + params.path("entry").path("url").asText());
                    }
                }
                case "Network.requestWillBeSent" -> requests.add(params.path("request").path("url").asText());
                default -> { }
            }
        }
        return new PageLoad(errors, requests);
    }

    /** The value of a JavaScript expression in the page (promises awaited), as JSON. */
    public JsonNode evaluate(String expression) {
        JsonNode result = call(session, "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("evaluating " + expression + " threw " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** A PNG of the whole page at 1280 px wide, written to {@code png}. */
    public Path screenshot(Path png) throws IOException {
        call(session, "Emulation.setDeviceMetricsOverride", Map.of("width", 1280, "height", 900, "deviceScaleFactor", 1, "mobile", false));
        JsonNode metrics = call(session, "Page.getLayoutMetrics", Map.of());
        JsonNode size = metrics.path("cssContentSize");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", Math.max(1280, size.path("width").asDouble()),
                "height", Math.min(16000, size.path("height").asDouble()), "scale", 1);
        JsonNode shot = call(session, "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode(shot.path("data").asText()));
        return png;
    }

    @Override
    public void close() throws IOException {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        } catch (RuntimeException e) {
            // the browser goes anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> paths = Files.walk(profile)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}

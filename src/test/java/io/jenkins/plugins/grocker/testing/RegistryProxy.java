package io.jenkins.plugins.grocker.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 proxy in front of a registry, on 127.0.0.1 and a free port, for tests: it records every request
 * line, counts the bytes of blob uploads (PATCH/PUT under {@code /blobs/uploads/}), and can inject faults into a
 * fraction of requests, chosen by a seeded {@link Random}: a 500 answer, a reset connection (before the request
 * reaches the registry), a slow answer (delayed, then forwarded), or, for GETs only, an answer cut off halfway.
 * Faults never hit a request after the registry acted on it, so a failed write is a write that did not happen.
 * The {@code Host} header passes unchanged, so the registry's {@code Location}s point at the proxy. One request
 * per connection. Thread-safe.
 */
public final class RegistryProxy implements AutoCloseable {
    public enum Fault { NONE, ERROR_500, RESET, SLOW, CUT }

    private final ServerSocket server;
    private final int upstreamPort;
    private final Random random;
    private final double faultRate;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "registry-proxy");
        t.setDaemon(true);
        return t;
    });
    public final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong uploadBytes = new AtomicLong();
    private final AtomicInteger faults = new AtomicInteger();
    private volatile boolean faultsEnabled = true;

    private RegistryProxy(int upstreamPort, double faultRate, long seed) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        this.upstreamPort = upstreamPort;
        this.faultRate = faultRate;
        this.random = new Random(seed);
        pool.submit(this::accept);
    }

    /** A proxy that only counts. */
    public static RegistryProxy counting(int upstreamPort) throws IOException {
        return new RegistryProxy(upstreamPort, 0, 0);
    }

    /** A proxy that injects a fault into about {@code faultRate} of the requests. */
    public static RegistryProxy faulty(int upstreamPort, double faultRate, long seed) throws IOException {
        return new RegistryProxy(upstreamPort, faultRate, seed);
    }

    public String host() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Bytes sent in blob upload bodies (PATCH/PUT to {@code .../blobs/uploads/...}). */
    public long uploadBytes() {
        return uploadBytes.get();
    }

    public int faults() {
        return faults.get();
    }

    public void faults(boolean enabled) {
        faultsEnabled = enabled;
    }

    /** Requests recorded whose line contains {@code part}. */
    public long count(String method, String part) {
        return requests.stream().filter(r -> r.startsWith(method + " ") && r.contains(part)).count();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        pool.shutdownNow();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                pool.submit(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private synchronized Fault nextFault(String method) {
        if (!faultsEnabled || faultRate <= 0 || random.nextDouble() >= faultRate) {
            return Fault.NONE;
        }
        Fault[] kinds = method.equals("GET") ? new Fault[] {Fault.ERROR_500, Fault.RESET, Fault.SLOW, Fault.CUT}
                : new Fault[] {Fault.ERROR_500, Fault.RESET, Fault.SLOW};
        return kinds[random.nextInt(kinds.length)];
    }

    private synchronized int delayMillis() {
        return 50 + random.nextInt(400);
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String[] lines = head.split("\r\n");
            String requestLine = lines[0];
            String method = requestLine.split(" ")[0];
            requests.add(requestLine.substring(0, requestLine.lastIndexOf(' ')));
            long length = 0;
            boolean chunked = false;
            StringBuilder forwarded = new StringBuilder(requestLine).append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                String lower = lines[i].toLowerCase(Locale.ROOT);
                if (lower.startsWith("connection:") || lower.startsWith("keep-alive:")) {
                    continue;
                }
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lines[i].substring(15).trim());
                }
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
                forwarded.append(lines[i]).append("\r\n");
            }
            forwarded.append("Connection: close\r\n\r\n");
            boolean upload = (method.equals("PUT") || method.equals("PATCH")) && requestLine.contains("/blobs/uploads/");
            Fault fault = nextFault(method);
            if (fault != Fault.NONE) {
                faults.incrementAndGet();
            }
            if (fault == Fault.RESET) {
                client.setSoLinger(true, 0);
                return;
            }
            if (fault == Fault.ERROR_500) {
                drain(in, length, chunked);
                out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                        + "Connection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            if (fault == Fault.SLOW) {
                Thread.sleep(delayMillis());
            }
            try (Socket upstream = new Socket(InetAddress.getByName("127.0.0.1"), upstreamPort)) {
                OutputStream up = upstream.getOutputStream();
                up.write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
                long body = chunked ? copyChunked(in, up) : copy(in, up, length);
                if (upload) {
                    uploadBytes.addAndGet(body);
                }
                up.flush();
                InputStream down = upstream.getInputStream();
                if (fault == Fault.CUT) {
                    byte[] part = down.readNBytes(256);
                    out.write(part, 0, Math.max(0, part.length / 2));
                    out.flush();
                    client.setSoLinger(true, 0);
                    return;
                }
                down.transferTo(out);
                out.flush();
            }
        } catch (IOException e) {
            // the client or the registry went away: nothing to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0 || (b == 0x16 && head.size() == 0)) {
                // end of stream, or a TLS handshake (the Docker engine tries TLS first on an insecure registry):
                // closing at once makes the engine fall back to HTTP now, not after its handshake timeout (10 s)
                return null;
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : b == '\r' ? 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    private static long copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("request body ended early");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
        return length;
    }

    private static long copyChunked(InputStream in, OutputStream out) throws IOException {
        long total = 0;
        while (true) {
            String sizeLine = readLine(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.US_ASCII));
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            if (size == 0) {
                String trailer;
                while (!(trailer = readLine(in)).isEmpty()) {
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                return total;
            }
            total += copy(in, out, size);
            out.write((readLine(in) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void drain(InputStream in, long length, boolean chunked) throws IOException {
        OutputStream nowhere = OutputStream.nullOutputStream();
        if (chunked) {
            copyChunked(in, nowhere);
        } else {
            copy(in, nowhere, length);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /** For messages. */
    public List<String> requestsCopy() {
        return new ArrayList<>(requests);
    }
}

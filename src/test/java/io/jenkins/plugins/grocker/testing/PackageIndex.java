package io.jenkins.plugins.grocker.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A PEP 503 "simple" package index on 127.0.0.1 serving pure-Python wheels made in the test, so that pip
 * inside a build can install from an index without PyPI.
 */
public final class PackageIndex implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, String> projects = new LinkedHashMap<>();

    public PackageIndex() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            String type = "text/html";
            if (path.equals("/simple/") || path.equals("/simple")) {
                StringBuilder html = new StringBuilder("<!DOCTYPE html><html><body>\n");
                projects.keySet().forEach(p -> html.append("<a href=\"/simple/").append(p).append("/\">").append(p).append("</a>\n"));
                body = html.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
            } else if (path.startsWith("/simple/") && projects.containsKey(path.substring(8).replace("/", ""))) {
                String file = projects.get(path.substring(8).replace("/", ""));
                body = ("<!DOCTYPE html><html><body>\n<a href=\"/files/" + file + "#sha256=" + hex(sha256(files.get(file)))
                        + "\">" + file + "</a>\n</body></html>\n").getBytes(StandardCharsets.UTF_8);
            } else if (path.startsWith("/files/") && files.containsKey(path.substring(7))) {
                body = files.get(path.substring(7));
                type = "application/octet-stream";
            } else {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    /** The index URL for pip's {@code --index-url}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/simple";
    }

    /** Adds a pure-Python package {@code module} whose {@code __init__} sets {@code VALUE}. */
    public void addWheel(String project, String version, String module, String value) throws IOException {
        addWheel(project, version, Map.of(module + "/__init__.py", "VALUE = \"" + value + "\"\n"));
    }

    /**
     * Adds a pure-Python wheel holding these files (path in the wheel to text); {@code NAME.dist-info/entry_points.txt}
     * may be among them for console scripts, with NAME the project's dist name.
     */
    public void addWheel(String project, String version, Map<String, String> contents) throws IOException {
        String dist = project.replace('-', '_') + "-" + version;
        Map<String, byte[]> entries = new LinkedHashMap<>();
        contents.forEach((path, text) -> entries.put(path.replace("NAME.dist-info", dist + ".dist-info"),
                text.getBytes(StandardCharsets.UTF_8)));
        entries.put(dist + ".dist-info/METADATA", ("Metadata-Version: 2.1\nName: " + project + "\nVersion: " + version + "\n")
                .getBytes(StandardCharsets.UTF_8));
        entries.put(dist + ".dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: grocker-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
                .getBytes(StandardCharsets.UTF_8));
        StringBuilder record = new StringBuilder();
        entries.forEach((name, bytes) -> record.append(name).append(",sha256=")
                .append(Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(bytes))).append(',').append(bytes.length).append('\n'));
        record.append(dist).append(".dist-info/RECORD,,\n");
        entries.put(dist + ".dist-info/RECORD", record.toString().getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            for (var e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        String file = dist + "-py3-none-any.whl";
        files.put(file, zip.toByteArray());
        projects.put(project, file);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

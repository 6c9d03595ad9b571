package io.jenkins.plugins.grocker.scan;

import io.jenkins.plugins.grocker.InputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The scan gate's scanner: a shell command the user configures (Trivy, Grype, a script of their own), run once per
 * platform image with {@code /bin/sh -c} on the machine grocker runs on, before any tag moves. It is told what to
 * scan through its environment:
 * <ul>
 *   <li>{@code GROCKER_SCAN_IMAGE}: the image, {@code registry/repository@sha256:…} (a local name without push);</li>
 *   <li>{@code GROCKER_SCAN_PLATFORM}: {@code linux/amd64}, …;</li>
 *   <li>{@code GROCKER_SCAN_NAME}: the image's name in its spec (its repository for a promotion);</li>
 *   <li>{@code GROCKER_SCAN_SBOM}: a file holding the image's CycloneDX SBOM, or empty when it has none.</li>
 * </ul>
 * Exit code 0 passes; anything else, or not ending within the timeout, fails. The output (stdout and stderr
 * together) is kept, its end only, with the values of secret-looking environment variables masked. Thread-safe.
 */
public final class Scanner {
    /** The most output kept per scan, in characters (the end is kept). */
    public static final int MAX_OUTPUT = 16 * 1024;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    private final String command;
    private final Duration timeout;
    private final Map<String, String> env;
    private final List<String> secrets;

    /**
     * @param command the shell command
     * @param env the environment grocker runs with (passed on, and the source of the values to mask)
     */
    public Scanner(String command, Duration timeout, Map<String, String> env) {
        this.command = Objects.requireNonNull(command, "command");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.env = Map.copyOf(env);
        List<String> values = new ArrayList<>();
        env.forEach((k, v) -> {
            String name = k.toUpperCase(Locale.ROOT);
            if (v != null && v.length() >= 4 && (name.contains("PASSWORD") || name.contains("TOKEN") || name.contains("SECRET")
                    || name.contains("PASSWD"))) {
                values.add(v);
            }
        });
        values.sort((a, b) -> b.length() - a.length());
        this.secrets = List.copyOf(values);
    }

    /**
     * The scanner of {@code --scan-command}, or null when none was given.
     *
     * @throws InputException when the command is blank or the timeout is not positive
     */
    public static Scanner of(String command, Integer timeoutSeconds, Map<String, String> env) throws InputException {
        if (command == null) {
            return null;
        }
        if (command.isBlank()) {
            throw new InputException("--scan-command: must not be empty");
        }
        if (timeoutSeconds != null && timeoutSeconds <= 0) {
            throw new InputException("--scan-timeout: must be a number of seconds above 0, got " + timeoutSeconds);
        }
        return new Scanner(command, timeoutSeconds == null ? DEFAULT_TIMEOUT : Duration.ofSeconds(timeoutSeconds), env);
    }

    public String command() {
        return command;
    }

    /** Scans one image. */
    public ScanResult scan(ScanRequest request) {
        long start = System.nanoTime();
        Path sbom = null;
        try {
            if (request.sbom() != null) {
                sbom = Files.createTempFile("grocker-sbom-", ".cdx.json");
                Files.write(sbom, request.sbom());
            }
            ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(env);
            builder.environment().put("GROCKER_SCAN_IMAGE", request.image());
            builder.environment().put("GROCKER_SCAN_PLATFORM", request.platform().toString());
            builder.environment().put("GROCKER_SCAN_NAME", request.name());
            builder.environment().put("GROCKER_SCAN_SBOM", sbom == null ? "" : sbom.toString());
            Process process = builder.start();
            process.getOutputStream().close();
            Tail tail = new Tail(process.getInputStream());
            Thread reader = new Thread(tail, "grocker-scan-output");
            reader.setDaemon(true);
            reader.start();
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            String output = mask(tail.text());
            if (!ended) {
                output += (output.isEmpty() || output.endsWith("\n") ? "" : "\n") + "grocker: the scanner did not end within "
                        + timeout.toSeconds() + " s and was stopped";
            }
            int exit = ended ? process.exitValue() : -1;
            return new ScanResult(request.name(), request.platform().toString(), request.image(), exit, exit == 0,
                    seconds(start), output, sbom != null);
        } catch (IOException e) {
            return new ScanResult(request.name(), request.platform().toString(), request.image(), -1, false, seconds(start),
                    "grocker: cannot run the scanner: " + mask(String.valueOf(e.getMessage())), sbom != null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ScanResult(request.name(), request.platform().toString(), request.image(), -1, false, seconds(start),
                    "grocker: interrupted while the scanner ran", sbom != null);
        } finally {
            if (sbom != null) {
                try {
                    Files.deleteIfExists(sbom);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
    }

    /** Scans every image, one after the other, in order. */
    public List<ScanResult> scanAll(List<ScanRequest> requests) {
        List<ScanResult> results = new ArrayList<>();
        for (ScanRequest r : requests) {
            results.add(scan(r));
        }
        return results;
    }

    /** The values of secret environment variables replaced by {@code ****}. */
    String mask(String text) {
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, "****");
        }
        return masked;
    }

    /** One line: which images failed, with their exit codes. */
    public static String failures(List<ScanResult> results) {
        List<String> failed = new ArrayList<>();
        for (ScanResult r : results) {
            if (!r.passed()) {
                failed.add(r.name() + " " + r.platform() + " (exit " + r.exitCode() + ")");
            }
        }
        return String.join(", ", failed);
    }

    private static double seconds(long start) {
        return Math.round((System.nanoTime() - start) / 1e8) / 10.0;
    }

    /** Reads a stream to its end, keeping the last {@link #MAX_OUTPUT} characters. */
    private static final class Tail implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        Tail(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (kept) {
                        kept.write(buffer, 0, n);
                        if (kept.size() > 4 * MAX_OUTPUT) {
                            byte[] all = kept.toByteArray();
                            kept.reset();
                            kept.write(all, all.length - 2 * MAX_OUTPUT, 2 * MAX_OUTPUT);
                        }
                    }
                }
            } catch (IOException e) {
                // the process ended or was stopped: keep what came
            }
        }

        String text() {
            String all;
            synchronized (kept) {
                all = kept.toString(StandardCharsets.UTF_8);
            }
            return all.length() <= MAX_OUTPUT ? all : "…" + all.substring(all.length() - MAX_OUTPUT);
        }
    }
}

package io.jenkins.plugins.grocker.wheels;

import io.jenkins.plugins.grocker.AtomicFile;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jenkins.plugins.grocker.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Owns the on-disk layout of a wheelhouse: {@code DIR/wheelhouse.json} and {@code DIR/<os>-<arch>/*.whl}.
 * Writes go through a temporary file and an atomic rename. Stateless and thread-safe.
 */
public final class WheelhouseStore {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private WheelhouseStore() {}

    public static Optional<Wheelhouse> read(Path dir) throws InputException {
        Path file = dir.resolve(Wheelhouse.FILE);
        try {
            return Optional.of(JSON.readValue(file.toFile(), Wheelhouse.class));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new InputException(file + ": not a wheelhouse manifest (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** Reads the manifest, or fails with a message saying that no wheelhouse is there. */
    public static Wheelhouse require(Path dir) throws InputException {
        return read(dir).orElseThrow(() -> new InputException(dir.resolve(Wheelhouse.FILE)
                + " does not exist: run 'grocker compile' first (or give --wheels DIR)"));
    }

    public static void write(Path dir, Wheelhouse wheelhouse) throws IOException {
        Files.createDirectories(dir);
        AtomicFile.write(dir.resolve(Wheelhouse.FILE), out -> JSON.writeValue(out, wheelhouse));
    }

    /**
     * Checks that the platform's directory holds exactly the wheels of the manifest, each with its sha256
     * and size. Returns their paths.
     *
     * @throws InputException naming the first file that is missing, extra or altered
     */
    public static List<Path> verify(Path dir, Wheelhouse wheelhouse, String platform) throws InputException {
        Wheelhouse.PlatformWheels wheels = wheelhouse.platforms().get(platform);
        if (wheels == null) {
            throw new InputException(dir.resolve(Wheelhouse.FILE) + ": the wheelhouse has no " + platform + " wheels (it has "
                    + String.join(", ", wheelhouse.platforms().keySet()) + "); compile for " + platform + " first");
        }
        Path platformDir = dir.resolve(wheels.directory());
        List<Path> paths = new ArrayList<>();
        TreeSet<String> listed = new TreeSet<>();
        for (Wheelhouse.WheelFile w : wheels.wheels()) {
            Path p = platformDir.resolve(w.file());
            if (!p.normalize().startsWith(platformDir.normalize()) || !Files.isRegularFile(p)) {
                throw new InputException(p + ": listed in " + Wheelhouse.FILE + " but missing");
            }
            String actual;
            try {
                actual = sha256(p);
            } catch (IOException e) {
                throw new InputException(p + ": cannot read: " + e.getMessage());
            }
            if (!actual.equals(w.sha256())) {
                throw new InputException(p + ": sha256 " + actual + " differs from " + w.sha256() + " in " + Wheelhouse.FILE
                        + "; refusing to use it");
            }
            listed.add(w.file());
            paths.add(p);
        }
        try (DirectoryStream<Path> all = Files.newDirectoryStream(platformDir, "*.whl")) {
            for (Path p : all) {
                if (!listed.contains(p.getFileName().toString())) {
                    throw new InputException(p + ": not listed in " + Wheelhouse.FILE + "; refusing to use it");
                }
            }
        } catch (IOException e) {
            throw new InputException(platformDir + ": cannot list: " + e.getMessage());
        }
        return paths;
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}

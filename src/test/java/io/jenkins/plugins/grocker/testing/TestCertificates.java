package io.jenkins.plugins.grocker.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority and a server certificate for {@code 127.0.0.1} (subjectAltName IP:127.0.0.1
 * and DNS:localhost), made with {@code openssl} in a directory of the test's. Missing openssl is a failure.
 *
 * @param ca the CA certificate (PEM)
 * @param caKey the CA's private key (PEM, PKCS#8)
 * @param certificate the server certificate (PEM), signed by the CA
 * @param key the server's private key (PEM, PKCS#8)
 */
public record TestCertificates(Path ca, Path caKey, Path certificate, Path key) {
    public static final Path OPENSSL = Path.of("/usr/bin/openssl");

    /** A new CA and server certificate under {@code dir/name}. */
    public static TestCertificates create(Path dir, String name) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        Path ca = d.resolve("ca.crt");
        Path caKey = d.resolve("ca.key");
        Path csr = d.resolve("server.csr");
        Path cert = d.resolve("server.crt");
        Path key = d.resolve("server.key");
        Path ext = d.resolve("server.ext");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                + "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        openssl(d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out", ca.toString(),
                "-days", "2", "-subj", "/CN=grocker test CA " + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl(d, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(),
                "-subj", "/CN=127.0.0.1");
        openssl(d, "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
        return new TestCertificates(ca, caKey, cert, key);
    }

    /** Runs openssl with these arguments in {@code dir}; fails with its output when it fails. */
    public static void openssl(Path dir, String... args) throws IOException {
        if (!Files.isExecutable(OPENSSL)) {
            throw new IllegalStateException(OPENSSL + " is missing (apt-get install -y openssl)");
        }
        List<String> command = new ArrayList<>(List.of(OPENSSL.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }
}

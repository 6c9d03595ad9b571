package io.jenkins.plugins.grocker.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.cli.GrockerCommand;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.testing.LocalRegistry;
import io.jenkins.plugins.grocker.testing.TestCertificates;
import io.jenkins.plugins.grocker.testing.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry with htpasswd and TLS (a CA made in the test): credentials from Docker's config.json or the
 * environment, trust from Docker's certs.d layout or a CA file; wrong credentials and a wrong CA fail with one
 * line and push nothing.
 */
class RegistryTlsIT {
    private static final String USER = "releaser";
    private static final String PASSWORD = "Tls-Secret-77";

    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static TestCertificates otherCa;
    private static LocalRegistry registry;
    private static LocalRegistry plain;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(dir, "good");
        otherCa = TestCertificates.create(dir, "other");
        registry = LocalRegistry.startTls(certs.certificate(), certs.key(), LocalRegistry.htpasswdEntry(USER, PASSWORD) + "\n");
        plain = LocalRegistry.start();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    /** {@code certs.d/<host:port>/ca.crt} with this CA. */
    private static Path certsDir(String name, Path ca) throws Exception {
        Path host = Files.createDirectories(dir.resolve(name).resolve(registry.host()));
        if (ca != null) {
            Files.copy(ca, host.resolve("ca.crt"));
        }
        return dir.resolve(name);
    }

    /** A DOCKER_CONFIG directory with these credentials for the TLS registry. */
    private static Path dockerConfig(String name, String user, String password) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Files.writeString(d.resolve("config.json"), "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}");
        return d;
    }

    @Test
    void rightCredentialsAndCaWorkWrongOnesFailCleanlyAndPushNothing() throws Exception {
        Path trusted = certsDir("certs-good", certs.ca());
        RegistryClient client = RegistryClient.create(Map.of(RegistryClient.CERTS_DIR_VARIABLE, trusted.toString(),
                "DOCKER_CONFIG", dockerConfig("docker-good", USER, PASSWORD).toString()));
        assertThat(client.baseUrl(registry.host())).isEqualTo("https://" + registry.host());
        client.ping(registry.host());
        TestImages.Image image = TestImages.pushIndex(client, ImageReference.parse(registry.host() + "/secure/app:1.0"), 21, 1, 4096);
        assertThat(client.head(ImageReference.parse(registry.host() + "/secure/app:1.0"))).map(Descriptor::digest).contains(image.digest());

        RegistryClient wrongPassword = RegistryClient.create(Map.of(RegistryClient.CERTS_DIR_VARIABLE, trusted.toString(),
                "DOCKER_CONFIG", dockerConfig("docker-bad", USER, "not-" + PASSWORD).toString()));
        RegistryException refused = catchThrowableOfType(RegistryException.class,
                () -> TestImages.pushIndex(wrongPassword, ImageReference.parse(registry.host() + "/secure/app:2.0"), 22, 1, 4096));
        assertThat(refused.getMessage()).startsWith("registry " + registry.host() + " rejected the credentials for blob secure/app@sha256:")
                .doesNotContain(PASSWORD).doesNotContain("\n");
        assertThat(refused.exitCode()).isEqualTo(4);
        assertThat(client.head(ImageReference.parse(registry.host() + "/secure/app:2.0"))).isEmpty();

        RegistryClient wrongCa = RegistryClient.create(Map.of(RegistryClient.CERTS_DIR_VARIABLE,
                certsDir("certs-other", otherCa.ca()).toString(), Credentials.USERNAME_VARIABLE, USER, Credentials.PASSWORD_VARIABLE, PASSWORD));
        RegistryException untrusted = catchThrowableOfType(RegistryException.class,
                () -> wrongCa.head(ImageReference.parse(registry.host() + "/secure/app:1.0")));
        assertThat(untrusted.getMessage()).isEqualTo("registry " + registry.host() + ": its TLS certificate is not trusted (give its CA "
                + "with --ca-file, GROCKER_REGISTRY_CA_FILE or /etc/docker/certs.d/<host:port>/ca.crt) (HEAD https://"
                + registry.host() + "/v2/secure/app/manifests/1.0)");
    }

    @Test
    void caFileFromTheEnvironment() throws Exception {
        Path https = certsDir("certs-empty", null); // the directory only says: this loopback registry speaks TLS
        RegistryClient client = RegistryClient.create(Map.of(RegistryClient.CERTS_DIR_VARIABLE, https.toString(),
                RegistryClient.CA_FILE_VARIABLE, certs.ca().toString(),
                Credentials.USERNAME_VARIABLE, USER, Credentials.PASSWORD_VARIABLE, PASSWORD));
        client.ping(registry.host());

        RegistryClient wrong = RegistryClient.create(Map.of(RegistryClient.CERTS_DIR_VARIABLE, https.toString(),
                RegistryClient.CA_FILE_VARIABLE, otherCa.ca().toString(),
                Credentials.USERNAME_VARIABLE, USER, Credentials.PASSWORD_VARIABLE, PASSWORD));
        assertThat(catchThrowableOfType(RegistryException.class, () -> wrong.ping(registry.host())).getMessage())
                .contains("its TLS certificate is not trusted");
    }

    @Test
    void promoteFromAPlainRegistryToTheTlsRegistry() throws Exception {
        TestImages.Image image = TestImages.pushIndex(RegistryClient.create(Map.of()),
                ImageReference.parse(plain.host() + "/team/app:3.0"), 23, 2, 8192);
        Path https = certsDir("certs-promote", null);
        Map<String, String> env = new HashMap<>(Map.of(RegistryClient.CERTS_DIR_VARIABLE, https.toString(),
                "DOCKER_CONFIG", dockerConfig("docker-promote", USER, PASSWORD).toString(), "USER", "tls-test"));

        String[] out = run(env, "promote", plain.host() + "/team/app:3.0", registry.host() + "/prod/app:3.0",
                "--ca-file", certs.ca().toString(), "--audit", dir.resolve("tls-audit.json").toString());
        assertThat(out[0]).as(out[2]).isEqualTo("0");

        String[] wrongCa = run(env, "promote", plain.host() + "/team/app:3.0", registry.host() + "/prod/app:other",
                "--ca-file", otherCa.ca().toString(), "--audit", dir.resolve("tls-audit2.json").toString());
        assertThat(wrongCa[0]).isEqualTo("4");
        assertThat(wrongCa[2].strip()).startsWith("grocker: registry " + registry.host() + ": its TLS certificate is not trusted")
                .doesNotContain("\n");

        RegistryClient check = RegistryClient.create(Map.of(RegistryClient.CERTS_DIR_VARIABLE, certsDir("certs-check", certs.ca()).toString(),
                Credentials.USERNAME_VARIABLE, USER, Credentials.PASSWORD_VARIABLE, PASSWORD));
        assertThat(check.head(ImageReference.parse(registry.host() + "/prod/app:3.0"))).map(Descriptor::digest).contains(image.digest());
        assertThat(check.head(ImageReference.parse(registry.host() + "/prod/app:other"))).isEmpty();
    }

    private static String[] run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GrockerCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), env, args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }
}

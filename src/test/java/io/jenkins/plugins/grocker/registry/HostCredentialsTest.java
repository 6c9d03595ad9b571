package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.testing.FakeRegistry;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Credentials bound to registry hosts (GROCKER_REGISTRY_HOST_n / _USERNAME_n / _PASSWORD_n): a copy from one
 * registry to another, each with its own account (reads on both sides, as a promotion does), sends each registry its own credential and never the other's.
 */
class HostCredentialsTest {
    private FakeRegistry source;
    private FakeRegistry target;

    @BeforeEach
    void start() throws Exception {
        source = new FakeRegistry();
        source.auth = FakeRegistry.Auth.BASIC;
        source.user = "src-reader";
        source.password = "Src-pw-1";
        target = new FakeRegistry();
        target.auth = FakeRegistry.Auth.BASIC;
        target.user = "dst-pusher";
        target.password = "Dst-pw-2";
    }

    @AfterEach
    void stop() {
        source.close();
        target.close();
    }

    private static Map<String, String> pairs(FakeRegistry first, FakeRegistry second) {
        Map<String, String> env = new HashMap<>();
        env.put("GROCKER_REGISTRY_HOST_1", first.host());
        env.put("GROCKER_REGISTRY_USERNAME_1", first.user);
        env.put("GROCKER_REGISTRY_PASSWORD_1", first.password);
        env.put("GROCKER_REGISTRY_HOST_2", second.host());
        env.put("GROCKER_REGISTRY_USERNAME_2", second.user);
        env.put("GROCKER_REGISTRY_PASSWORD_2", second.password);
        return env;
    }

    @Test
    void eachRegistryGetsItsOwnCredentialOnly() throws Exception {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        String configDigest = source.putBlob(config);
        String manifestJson = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},\"layers\":[]}";
        Digest digest = Digest.of(source.putManifest("team/app", "1.0", MediaTypes.OCI_MANIFEST, manifestJson));
        RegistryClient client = new RegistryClient(Credentials.fromEnvironment(pairs(source, target)), Set.of(),
                RegistryClient.newHttpClient());

        ImageReference from = ImageReference.parse(source.host() + "/team/app:1.0");
        ImageReference to = ImageReference.parse(target.host() + "/release/app:1.0");
        Manifest manifest = client.getManifest(from);
        // a copy across the two registries: read on one with its credential, upload and put on the other with its own
        client.copyBlob(from, to, new Descriptor(MediaTypes.OCI_CONFIG, Digest.of(configDigest), config.length));
        client.putManifest(to, "1.0", manifest);

        assertThat(client.head(to).orElseThrow().digest()).isEqualTo(digest);
        String sourceHeader = FakeRegistry.basic(source.user, source.password);
        String targetHeader = FakeRegistry.basic(target.user, target.password);
        assertThat(source.authorizations).contains(sourceHeader).doesNotContain(targetHeader);
        assertThat(target.authorizations).contains(targetHeader).doesNotContain(sourceHeader);
    }

    @Test
    void aRegistryNamedByNoPairGetsNoCredential() throws Exception {
        FakeRegistry other = new FakeRegistry();
        try {
            other.auth = FakeRegistry.Auth.BASIC;
            RegistryClient client = new RegistryClient(Credentials.fromEnvironment(pairs(source, target)), Set.of(),
                    RegistryClient.newHttpClient());
            RegistryException e = org.assertj.core.api.Assertions.catchThrowableOfType(RegistryException.class,
                    () -> client.ping(other.host()));
            assertThat(e.getMessage()).contains("no credentials");
            assertThat(other.authorizations).isEmpty();
        } finally {
            other.close();
        }
    }

    @Test
    void hostsCompareWithoutCaseAndTheLowerNumberWins() {
        Map<String, String> env = new HashMap<>(Map.of(
                "GROCKER_REGISTRY_HOST_2", "Reg.Example.com:5000", "GROCKER_REGISTRY_USERNAME_2", "b", "GROCKER_REGISTRY_PASSWORD_2", "pb",
                "GROCKER_REGISTRY_HOST_10", "reg.example.com:5000", "GROCKER_REGISTRY_USERNAME_10", "c", "GROCKER_REGISTRY_PASSWORD_10", "pc",
                "GROCKER_REGISTRY_HOST_3", "index.docker.io", "GROCKER_REGISTRY_USERNAME_3", "d", "GROCKER_REGISTRY_PASSWORD_3", ""));
        Credentials credentials = Credentials.fromEnvironment(env);
        assertThat(credentials.lookup("reg.example.com:5000")).contains(new Credentials.Credential("b", "pb"));
        assertThat(credentials.lookup("reg.example.com")).isEmpty();
        assertThat(credentials.lookup("docker.io")).as("a pair without a password is ignored").isEmpty();
    }
}

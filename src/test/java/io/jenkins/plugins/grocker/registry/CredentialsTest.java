package io.jenkins.plugins.grocker.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialsTest {
    private static final Credentials.Credential BOB = new Credentials.Credential("bob", "hunter2-Secret");

    @Test
    void environmentCredentialsApplyToEveryRegistry() {
        Credentials credentials = Credentials.fromEnvironment(Map.of(
                "GROCKER_REGISTRY_USERNAME", "bob", "GROCKER_REGISTRY_PASSWORD", "hunter2-Secret"));

        assertThat(credentials.lookup("127.0.0.1:5000")).contains(BOB);
        assertThat(credentials.lookup("registry.example.com")).contains(BOB);
    }

    @Test
    void environmentCredentialsCanBeLimitedToOneHost() {
        Credentials credentials = Credentials.fromEnvironment(Map.of(
                "GROCKER_REGISTRY_USERNAME", "bob", "GROCKER_REGISTRY_PASSWORD", "hunter2-Secret",
                "GROCKER_REGISTRY_HOST", "Registry.Example.com"));

        assertThat(credentials.lookup("registry.example.com")).contains(BOB);
        assertThat(credentials.lookup("registry.example.com:5000")).isEmpty();
        assertThat(credentials.lookup("127.0.0.1:5000")).isEmpty();
    }

    @Test
    void dockerHubHasSeveralNames() {
        Credentials credentials = Credentials.fromEnvironment(Map.of(
                "GROCKER_REGISTRY_USERNAME", "bob", "GROCKER_REGISTRY_PASSWORD", "hunter2-Secret",
                "GROCKER_REGISTRY_HOST", "index.docker.io"));

        assertThat(credentials.lookup("docker.io")).contains(BOB);
    }

    @Test
    void noCredentialsWithoutBothVariables() {
        assertThat(Credentials.fromEnvironment(Map.of()).lookup("docker.io")).isEmpty();
        assertThat(Credentials.fromEnvironment(Map.of("GROCKER_REGISTRY_USERNAME", "bob")).lookup("docker.io")).isEmpty();
        assertThat(Credentials.fromEnvironment(Map.of("GROCKER_REGISTRY_PASSWORD", "x")).lookup("docker.io")).isEmpty();
    }

    @Test
    void toStringHidesThePassword() {
        assertThat(BOB.toString()).contains("bob").doesNotContain("hunter2-Secret");
    }
}

package io.jenkins.plugins.grocker.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigCredentialsTest {
    @TempDir
    Path dir;

    private Path config(String json) throws Exception {
        Path docker = Files.createDirectories(dir.resolve("docker"));
        Files.writeString(docker.resolve("config.json"), json);
        return docker;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void authsWithBase64OrUsernameAndPassword() throws Exception {
        Path docker = config("{\"auths\":{"
                + "\"registry.example.com:5000\":{\"auth\":\"" + b64("carol:pa:ss") + "\"},"
                + "\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("dave:hub-Secret") + "\"},"
                + "\"https://Other.example.com/v2/\":{\"username\":\"erin\",\"password\":\"pw-9\"}}}");
        Credentials credentials = Credentials.fromDockerConfig(Map.of("DOCKER_CONFIG", docker.toString()));

        assertThat(credentials.lookup("registry.example.com:5000")).contains(new Credentials.Credential("carol", "pa:ss"));
        assertThat(credentials.lookup("docker.io")).contains(new Credentials.Credential("dave", "hub-Secret"));
        assertThat(credentials.lookup("other.example.com")).contains(new Credentials.Credential("erin", "pw-9"));
        assertThat(credentials.lookup("registry.example.com")).isEmpty();
    }

    @Test
    void homeDockerConfigIsTheDefaultAndEnvironmentComesFirst() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve(".docker"));
        Files.writeString(home.resolve(".docker/config.json"), "{\"auths\":{\"r:5000\":{\"auth\":\"" + b64("fromfile:x1") + "\"}}}");

        assertThat(Credentials.standard(Map.of("HOME", home.toString())).lookup("r:5000"))
                .contains(new Credentials.Credential("fromfile", "x1"));
        assertThat(Credentials.standard(Map.of("HOME", home.toString(), Credentials.USERNAME_VARIABLE, "env",
                Credentials.PASSWORD_VARIABLE, "e1")).lookup("r:5000")).contains(new Credentials.Credential("env", "e1"));
    }

    @Test
    void credentialHelpersAndStore() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        helper(bin, "per", "per-user", "per-Secret");
        helper(bin, "store", "store-user", "store-Secret");
        Path docker = config("{\"auths\":{\"plain:1\":{\"auth\":\"" + b64("p:q") + "\"}},"
                + "\"credHelpers\":{\"helped:5000\":\"per\",\"broken:1\":\"missing\"},\"credsStore\":\"store\"}");
        Credentials credentials = Credentials.fromDockerConfig(Map.of("DOCKER_CONFIG", docker.toString(), "PATH", bin.toString()));

        assertThat(credentials.lookup("helped:5000")).contains(new Credentials.Credential("per-user", "per-Secret"));
        assertThat(credentials.lookup("plain:1")).contains(new Credentials.Credential("p", "q"));
        assertThat(credentials.lookup("anything:2")).contains(new Credentials.Credential("store-user", "store-Secret"));
        assertThat(credentials.lookup("broken:1")).isEmpty();
        assertThat(Files.readString(bin.resolve("per.log")).trim()).isEqualTo("helped:5000");
    }

    @Test
    void missingOrBrokenFileGivesNothing() throws Exception {
        assertThat(Credentials.fromDockerConfig(Map.of("DOCKER_CONFIG", dir.resolve("none").toString())).lookup("x")).isEmpty();
        Path docker = config("{not json");
        assertThat(Credentials.fromDockerConfig(Map.of("DOCKER_CONFIG", docker.toString())).lookup("x")).isEmpty();
        assertThat(Credentials.fromDockerConfig(Map.of()).lookup("x")).isEmpty();
    }

    /** A docker-credential-NAME that logs the server it was asked for and answers with a fixed credential. */
    private static void helper(Path bin, String name, String user, String secret) throws Exception {
        Path script = bin.resolve("docker-credential-" + name);
        Files.writeString(script, "#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread server\necho \"$server\" >> '" + bin.resolve(name + ".log")
                + "'\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"" + user + "\",\"Secret\":\"" + secret + "\"}' \"$server\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}

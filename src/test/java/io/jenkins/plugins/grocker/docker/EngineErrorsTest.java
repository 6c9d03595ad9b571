package io.jenkins.plugins.grocker.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.jenkins.plugins.grocker.EngineException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class EngineErrorsTest {
    private static final String ENDPOINT = "unix:///var/run/docker.sock";

    @Test
    void daemonErrorBecomesItsMessage() {
        EngineException e = EngineErrors.convert(ENDPOINT, "inspecting image x",
                new NotFoundException("{\"message\":\"No such image: x:1\"}\n"));

        assertThat(e.getMessage()).isEqualTo("inspecting image x failed: No such image: x:1");
        assertThat(e.exitCode()).isEqualTo(3);
    }

    @Test
    void bodyThatIsNotJsonIsKeptOnOneLine() {
        assertThat(EngineErrors.daemonMessage("Status 502: bad\ngateway\n")).isEqualTo("bad; gateway");
    }

    @Test
    void brokenConnectionSaysTheEngineIsUnreachable() {
        RuntimeException wrapped = new RuntimeException(new IOException("Connection reset by peer"));

        EngineException e = EngineErrors.convert(ENDPOINT, "push of r/a:1", wrapped);

        assertThat(e.getMessage())
                .isEqualTo("Docker engine at " + ENDPOINT + " is unreachable: Connection reset by peer (during push of r/a:1)");
    }

    @Test
    void timeoutDeepInTheChainCountsAsUnreachable() {
        RuntimeException wrapped = new RuntimeException("stream", new IllegalStateException(new SocketTimeoutException("Read timed out")));

        assertThat(EngineErrors.isConnectionFailure(wrapped)).isTrue();
        assertThat(EngineErrors.convert(ENDPOINT, "build of a:1", wrapped).getMessage()).startsWith("Docker engine at " + ENDPOINT + " is unreachable");
    }

    @Test
    void clientErrorKeepsItsMessage() {
        EngineException e = EngineErrors.convert(ENDPOINT, "build of a:1 for linux/amd64",
                new DockerClientException("Could not build image: boom"));

        assertThat(e.getMessage()).isEqualTo("build of a:1 for linux/amd64 failed: Could not build image: boom");
    }
}

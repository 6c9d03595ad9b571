package io.jenkins.plugins.grocker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An "engine" on a unix socket that answers {@code /_ping} and then hangs up on every other request: what a
 * client sees when the daemon dies after connect. No Docker needed.
 */
class DockerEngineConnectionTest {
    @TempDir
    Path tmp;

    private ServerSocketChannel server;
    private Thread acceptor;
    private String endpoint;

    @BeforeEach
    void startHalfAliveEngine() throws IOException {
        Path socket = tmp.resolve("engine.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        endpoint = "unix://" + socket;
        acceptor = new Thread(() -> {
            while (server.isOpen()) {
                try (SocketChannel client = server.accept()) {
                    String head = readHead(client);
                    if (head.contains(" /_ping ") || head.contains("/_ping?")) {
                        client.write(ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                + "Content-Length: 2\r\nConnection: close\r\n\r\nOK").getBytes(StandardCharsets.US_ASCII)));
                    }
                    // anything else: hang up without an answer
                } catch (IOException stopped) {
                    return;
                }
            }
        }, "half-alive-engine");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        acceptor.join(5000);
    }

    @Test
    void engineThatStopsAnsweringAfterConnectIsReportedAsUnreachable() throws Exception {
        try (DockerEngine engine = DockerEngine.connect(endpoint)) {
            assertThat(engine.endpoint()).isEqualTo(endpoint);

            assertThatThrownBy(engine::info)
                    .isInstanceOf(EngineException.class)
                    .hasMessageStartingWith("Docker engine at " + endpoint + " is unreachable: ");
            assertThatThrownBy(() -> engine.inspect("app:1"))
                    .isInstanceOf(EngineException.class)
                    .hasMessageStartingWith("Docker engine at " + endpoint + " is unreachable: ");
            assertThatThrownBy(() -> engine.push(ImageReference.parse("127.0.0.1:5000/app:1"), null, line -> {}))
                    .isInstanceOf(EngineException.class)
                    .hasMessageStartingWith("Docker engine at " + endpoint + " is unreachable: ")
                    .hasMessageEndingWith("(during push of 127.0.0.1:5000/app:1)");
            assertThatThrownBy(() -> engine.run(RunRequest.builder("app:1").build()))
                    .isInstanceOf(EngineException.class)
                    .hasMessageStartingWith("Docker engine at " + endpoint + " is unreachable: ");
        }
    }

    @Test
    void addressThatIsNotAnEngineIsRefused() {
        assertThatThrownBy(() -> DockerEngine.connect("ftp://example.invalid"))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("Docker engine at ftp://example.invalid is unreachable: ");
    }

    private static String readHead(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        StringBuilder head = new StringBuilder();
        while (!head.toString().contains("\r\n\r\n") && client.read(buffer) > 0) {
            buffer.flip();
            head.append(StandardCharsets.US_ASCII.decode(buffer));
            buffer.clear();
        }
        return head.toString();
    }
}

package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code PUT <upload URL>&digest=<digest>} with the whole blob as a stream of known length (a monolithic upload
 * that never holds the blob in memory). The registry checks the digest and answers 201. The body can be sent
 * once only, so the transport never retries this call; a failed copy starts again with a new session.
 */
final class BlobUploadPutEndpoint extends WriteEndpoint<String> {
    private final URI location;
    private final Digest digest;
    private final long size;
    private final InputStream content;
    private final AtomicBoolean sent = new AtomicBoolean();

    BlobUploadPutEndpoint(String registry, String repository, URI location, Digest digest, long size, InputStream content) {
        super(registry, repository);
        this.location = location;
        this.digest = java.util.Objects.requireNonNull(digest, "digest");
        this.size = size;
        this.content = content;
    }

    @Override
    String method() {
        return "PUT";
    }

    @Override
    String path() {
        return location.getRawPath();
    }

    @Override
    URI uri(String baseUrl) {
        String url = location.toString();
        return URI.create(url + (location.getRawQuery() == null ? "?" : "&") + "digest=" + digest);
    }

    @Override
    HttpRequest.BodyPublisher publisher() {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            if (sent.getAndSet(true)) {
                return new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("the blob stream was already sent once");
                    }
                };
            }
            return content;
        }), size);
    }

    @Override
    boolean retryable() {
        return false;
    }

    @Override
    Duration timeout() {
        return BLOB_TIMEOUT;
    }

    @Override
    String subject() {
        return "blob " + repository() + "@" + digest;
    }

    @Override
    String handle(Response response) throws RegistryException {
        if (response.status() != 201 && response.status() != 204) {
            throw unexpected(response);
        }
        String stored = response.header("Docker-Content-Digest").orElse(digest.toString());
        if (!stored.equals(digest.toString())) {
            throw new RegistryException("registry " + registry() + " stored " + subject() + " under digest " + stored);
        }
        return stored;
    }
}

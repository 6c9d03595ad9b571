package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.RegistryException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code POST /v2/<repo>/blobs/uploads/?mount=<digest>&from=<source repo>}: links a blob the registry already
 * has in another repository, without any bytes. 201 means mounted; 202 means the registry opened an upload
 * instead (it does not have the blob there, or does not mount): the caller copies the blob. Needs one token
 * with push on the target and pull on the source.
 */
final class BlobMountEndpoint extends UploadSessionEndpoint<Boolean> {
    private final Digest digest;
    private final String from;

    BlobMountEndpoint(String registry, String repository, Digest digest, String from) {
        super(registry, repository);
        this.digest = Objects.requireNonNull(digest, "digest");
        this.from = from;
    }

    @Override
    String query() {
        return "?mount=" + digest + "&from=" + URLEncoder.encode(from, StandardCharsets.UTF_8);
    }

    @Override
    String scope() {
        return super.scope() + " repository:" + from + ":pull";
    }

    @Override
    String subject() {
        return "blob " + repository() + "@" + digest + " (mount from " + from + ")";
    }

    @Override
    Boolean handle(Response response) throws RegistryException {
        if (response.status() == 201) {
            return true;
        }
        if (response.status() == 202) {
            return false;
        }
        throw unexpected(response);
    }
}

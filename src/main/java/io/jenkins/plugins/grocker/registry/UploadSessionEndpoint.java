package io.jenkins.plugins.grocker.registry;

/**
 * {@code POST /v2/<repo>/blobs/uploads/} with an empty body and an optional query: opens an upload session or
 * asks for a mount. Sending it again leaves at worst an unused session, which the registry expires, so the
 * transport may retry it.
 *
 * @param <T> what a successful call returns
 */
abstract class UploadSessionEndpoint<T> extends WriteEndpoint<T> {
    UploadSessionEndpoint(String registry, String repository) {
        super(registry, repository);
    }

    /** What follows the path: empty, or a query starting with {@code ?}. */
    String query() {
        return "";
    }

    @Override
    final String method() {
        return "POST";
    }

    @Override
    final String path() {
        return "/v2/" + repository() + "/blobs/uploads/" + query();
    }

    @Override
    final boolean retryable() {
        return true;
    }
}

package io.jenkins.plugins.grocker.registry;

/**
 * A call that writes into a repository: its token needs the {@code push} action, and its body (empty unless a
 * subclass sends one) travels as {@code application/octet-stream} unless the subclass names its media type.
 *
 * @param <T> what a successful call returns
 */
abstract class WriteEndpoint<T> extends Endpoint<T> {
    static final String OCTET_STREAM = "application/octet-stream";

    WriteEndpoint(String registry, String repository) {
        super(registry, repository);
    }

    @Override
    final boolean push() {
        return true;
    }

    @Override
    byte[] body() {
        return new byte[0];
    }

    @Override
    String contentType() {
        return OCTET_STREAM;
    }
}

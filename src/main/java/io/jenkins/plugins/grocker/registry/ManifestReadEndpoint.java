package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.image.ImageReference;

/**
 * A read of {@code /v2/<repo>/manifests/<tag or digest>} accepting every manifest type this client reads: the
 * path, the {@code Accept} header and the subject ({@code repo:tag} or {@code repo@digest}) named in messages.
 *
 * @param <T> what a successful call returns
 */
abstract class ManifestReadEndpoint<T> extends Endpoint<T> {
    private final String reference;

    ManifestReadEndpoint(ImageReference ref) {
        super(ref.registry(), ref.repository());
        this.reference = ref.reference();
    }

    /** The tag or digest asked for. */
    final String reference() {
        return reference;
    }

    @Override
    final String path() {
        return "/v2/" + repository() + "/manifests/" + reference;
    }

    @Override
    final String accept() {
        return MediaTypes.ACCEPT_ALL;
    }

    @Override
    final String subject() {
        return subject(repository(), reference);
    }
}

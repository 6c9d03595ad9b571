package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;

/** {@code GET /v2/}: is this a registry, and do the credentials work. */
final class PingEndpoint extends Endpoint<Void> {
    PingEndpoint(String registry) {
        super(registry, null);
    }

    @Override
    String method() {
        return "GET";
    }

    @Override
    String path() {
        return "/v2/";
    }

    @Override
    String subject() {
        return "/v2/";
    }

    @Override
    Void handle(Response response) throws RegistryException {
        if (response.status() != 200) {
            throw unexpected(response);
        }
        return null;
    }
}

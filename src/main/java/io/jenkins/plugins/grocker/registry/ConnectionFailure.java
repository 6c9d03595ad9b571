package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;

/**
 * A request that got no answer (connection refused or reset, timeout): worth sending again when the request is
 * idempotent. TLS certificate problems and unknown hosts are not connection failures: retrying cannot help.
 */
final class ConnectionFailure extends RegistryException {
    ConnectionFailure(String message, Throwable cause) {
        super(message, cause);
    }
}

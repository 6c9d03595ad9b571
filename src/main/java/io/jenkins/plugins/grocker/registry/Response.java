package io.jenkins.plugins.grocker.registry;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Optional;

/**
 * A registry's answer: status, headers and the whole body (empty for HEAD), or, for a successful streamed
 * answer, an open {@code stream} that the endpoint must close (then {@code body} is empty).
 */
record Response(int status, HttpHeaders headers, byte[] body, URI uri, InputStream stream) {
    Response(int status, HttpHeaders headers, byte[] body, URI uri) {
        this(status, headers, body, uri, null);
    }

    Optional<String> header(String name) {
        return headers.firstValue(name).map(String::trim).filter(value -> !value.isEmpty());
    }

    List<String> headers(String name) {
        return headers.allValues(name);
    }

    boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}

package io.jenkins.plugins.grocker.registry;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Optional;

/** A registry's answer: status, headers and the whole body (empty for HEAD). */
record Response(int status, HttpHeaders headers, byte[] body, URI uri) {
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

package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.image.Digest;
import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.grocker.RegistryException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

/**
 * One call of the distribution API: method, path, accepted media types, body, and how the answer maps to a
 * result or an error. {@link RegistryTransport} sends it and deals with authentication (401) and denial
 * (403), retries (idempotent calls only, see {@link #retryable()}); every other answer goes to {@link #handle}.
 * Subclasses are immutable (a streamed upload's body can be sent once only).
 *
 * @param <T> what a successful call returns
 */
abstract class Endpoint<T> {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    static final Duration BLOB_TIMEOUT = Duration.ofMinutes(15);

    private final String registry;
    private final String repository;

    /** @param repository the repository path, or null for calls about the registry as a whole */
    Endpoint(String registry, String repository) {
        this.registry = registry;
        this.repository = repository;
    }

    final String registry() {
        return registry;
    }

    /** The repository path, or null. */
    final String repository() {
        return repository;
    }

    abstract String method();

    /** The path of the URL, starting with {@code /v2/}. */
    abstract String path();

    /** The full URL: by default the registry's base URL and {@link #path()}. */
    URI uri(String baseUrl) {
        return URI.create(baseUrl + path());
    }

    /** The {@code Accept} header, or null. */
    String accept() {
        return null;
    }

    /** The request body, or null for none. */
    byte[] body() {
        return null;
    }

    /** The {@code Content-Type} of {@link #body()}. */
    String contentType() {
        return null;
    }

    /** The request body as a publisher: by default {@link #body()}; null for none. */
    HttpRequest.BodyPublisher publisher() {
        byte[] body = body();
        return body == null ? null : HttpRequest.BodyPublishers.ofByteArray(body);
    }

    /** True when a successful answer's body is handed to {@link #handle} as an open stream. */
    boolean streaming() {
        return false;
    }

    /**
     * True when the call may be sent again after a 429/5xx answer or a broken connection: by default GET and
     * HEAD; PUT of a manifest (same bytes, same result) and the POSTs that only open an upload session say so too.
     */
    boolean retryable() {
        return method().equals("GET") || method().equals("HEAD");
    }

    /** The token scope(s) the call needs, space-separated, or null for calls about the registry as a whole. */
    String scope() {
        return repository == null ? null : "repository:" + repository + ":" + (push() ? "pull,push" : "pull");
    }

    /** What a refusal names: the subject ({@code repo:tag}), or null for calls about the whole registry. */
    final String what() {
        return repository == null ? null : subject();
    }

    /** True when the call writes, so a token must have the {@code push} action. */
    boolean push() {
        return false;
    }

    boolean followRedirects() {
        return false;
    }

    Duration timeout() {
        return REQUEST_TIMEOUT;
    }

    /** What the call is about, for messages: {@code repo:tag}, {@code repo@sha256:…} or the repository. */
    abstract String subject();

    /** Turns any answer but 401 and 403 into the result, or throws. */
    abstract T handle(Response response) throws RegistryException;

    /**
     * The error for an answer the endpoint did not expect: one line naming registry, method and subject, with
     * the registry's own error code and message when the body has them.
     */
    final RegistryException unexpected(Response response) {
        String detail = errorDetail(response.body());
        return new RegistryException("registry " + registry + " answered HTTP " + response.status() + " to " + method() + " "
                + subject() + (detail.isEmpty() ? "" : ": " + detail), response.status(), null);
    }

    /** {@code CODE: message} of the first entry of a registry error body ({@code {"errors":[…]}}), or "". */
    static String errorDetail(byte[] body) {
        if (body == null || body.length == 0 || body.length > 64 * 1024) {
            return "";
        }
        try {
            JsonNode errors = Json.readObject(body, "error body").path("errors");
            if (!errors.isArray() || errors.isEmpty()) {
                return "";
            }
            String code = Json.text(errors.get(0), "code");
            String message = Json.text(errors.get(0), "message");
            String text = code == null ? (message == null ? "" : message) : message == null ? code : code + ": " + message;
            text = text.replaceAll("\\s+", " ").trim();
            return text.length() > 300 ? text.substring(0, 300) + "…" : text;
        } catch (RegistryException e) {
            return "";
        }
    }

    /** {@code repo:tag} or {@code repo@digest}. */
    static String subject(String repository, String reference) {
        return repository + (Digest.isValid(reference) ? "@" : ":") + reference;
    }
}

package io.jenkins.plugins.grocker.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.grocker.RegistryException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;

/**
 * Answers registry challenges ({@code WWW-Authenticate}): Basic with the registry's credentials, Bearer with a
 * token from the challenge's realm. Keeps the resulting {@code Authorization} value per registry and scope,
 * tokens until they expire. A scope may name several resources separated by spaces (a cross-repository mount
 * needs {@code repository:dst:pull,push repository:src:pull}): the token service gets one {@code scope}
 * parameter for each, and one token carries them all. Messages name the registry and what was asked for
 * ({@code repo:tag}). Thread-safe: the cache is a concurrent map (two threads may both fetch a token for
 * the same scope; the later one wins). Never puts a password or token in a message.
 */
final class Authenticator {
    static final String SET_CREDENTIALS_HINT = "set " + Credentials.USERNAME_VARIABLE + "/" + Credentials.PASSWORD_VARIABLE;
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
    private static final Duration MAX_MARGIN = Duration.ofSeconds(5);

    private final Credentials credentials;
    private final TlsTrust tls;
    private final Predicate<String> plainHttpAllowed;
    private final Clock clock;
    private final ConcurrentMap<Key, Grant> grants = new ConcurrentHashMap<>();

    private record Key(String registry, String scope) {}

    private record Grant(String authorization, Instant expires) {
        @Override
        public String toString() {
            return "Grant[expires=" + expires + "]";
        }
    }

    /** @param plainHttpAllowed whether credentials may go over plain http to this {@code host[:port]} */
    Authenticator(Credentials credentials, TlsTrust tls, Predicate<String> plainHttpAllowed, Clock clock) {
        this.credentials = credentials;
        this.tls = tls;
        this.plainHttpAllowed = plainHttpAllowed;
        this.clock = clock;
    }

    /** The {@code Authorization} header value to send without waiting for a challenge, if one is known. */
    Optional<String> cached(String registry, String scope) {
        Key key = new Key(registry, scope);
        Grant grant = grants.get(key);
        if (grant == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(grant.expires())) {
            grants.remove(key, grant);
            return Optional.empty();
        }
        return Optional.of(grant.authorization());
    }

    void forget(String registry, String scope) {
        grants.remove(new Key(registry, scope));
    }

    /**
     * Answers the challenge of a 401 and returns the {@code Authorization} header value for the retry.
     *
     * @param repository what the request is about ({@code repo:tag}, {@code repo@digest}), or null (ping)
     * @param scope the token scope(s) the request needs ({@code repository:<repo>:pull[,push]}, space-separated), or null
     */
    String authenticate(String registry, String repository, String scope, Response unauthorized) throws RegistryException {
        List<Challenge> challenges = Challenge.parse(unauthorized.headers("WWW-Authenticate"));
        Optional<Challenge> bearer = challenges.stream().filter(c -> c.scheme().equals("bearer")).findFirst();
        Optional<Challenge> basic = challenges.stream().filter(c -> c.scheme().equals("basic")).findFirst();
        Optional<Credentials.Credential> credential = credentials.lookup(registry);
        Grant grant;
        if (bearer.isPresent()) {
            grant = token(registry, repository, scope, bearer.get(), credential);
        } else if (basic.isPresent()) {
            if (credential.isEmpty()) {
                throw noCredentials(registry, repository);
            }
            grant = new Grant(basic(credential.get()), Instant.MAX);
        } else if (challenges.isEmpty()) {
            throw new RegistryException("registry " + registry + " answered HTTP 401" + forRepository(repository)
                    + " without an authentication challenge", 401, null);
        } else {
            throw new RegistryException("registry " + registry + " asks for unsupported authentication '"
                    + challenges.get(0).scheme() + "'" + forRepository(repository), 401, null);
        }
        grants.put(new Key(registry, scope), grant);
        return grant.authorization();
    }

    /** The error for a request still refused (401) after answering the challenge. */
    RegistryException refused(String registry, String repository, Response unauthorized) {
        boolean insufficientScope = Challenge.parse(unauthorized.headers("WWW-Authenticate")).stream()
                .anyMatch(c -> "insufficient_scope".equals(c.param("error")));
        if (insufficientScope && repository != null) {
            return denied(registry, repository);
        }
        return credentials.lookup(registry).isPresent() ? rejected(registry, repository) : noCredentials(registry, repository);
    }

    static RegistryException denied(String registry, String repository) {
        return new RegistryException(repository == null
                ? "access to registry " + registry + " denied"
                : "access to " + repository + " denied by " + registry, 403, null);
    }

    private static RegistryException rejected(String registry, String repository) {
        return new RegistryException("registry " + registry + " rejected the credentials" + forRepository(repository), 401, null);
    }

    private static RegistryException noCredentials(String registry, String repository) {
        return new RegistryException("authentication required by " + registry + forRepository(repository)
                + ": no credentials (" + SET_CREDENTIALS_HINT + ")", 401, null);
    }

    private static String forRepository(String repository) {
        return repository == null ? "" : " for " + repository;
    }

    private static String basic(Credentials.Credential credential) {
        String pair = credential.username() + ":" + credential.password();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private Grant token(String registry, String repository, String scope, Challenge challenge,
            Optional<Credentials.Credential> credential) throws RegistryException {
        String realm = challenge.param("realm");
        URI realmUri;
        try {
            realmUri = realm == null ? null : new URI(realm);
        } catch (java.net.URISyntaxException e) {
            realmUri = null;
        }
        if (realmUri == null || realmUri.getAuthority() == null
                || !("https".equals(realmUri.getScheme()) || "http".equals(realmUri.getScheme()))) {
            throw new RegistryException("registry " + registry + " sent a Bearer challenge without a usable realm ("
                    + realm + ")", 401, null);
        }
        if (credential.isPresent() && realmUri.getScheme().equals("http") && !plainHttpAllowed.test(realmUri.getAuthority())) {
            throw new RegistryException("registry " + registry + " asks for credentials over plain http ("
                    + RegistryTransport.display(realmUri) + "); refusing to send them", 401, null);
        }
        StringBuilder query = new StringBuilder();
        String service = challenge.param("service");
        if (service != null) {
            query.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8));
        }
        String tokenScope = scope != null ? scope : challenge.param("scope");
        if (tokenScope != null) {
            for (String one : tokenScope.trim().split("\\s+")) {
                query.append(query.length() > 0 ? "&" : "").append("scope=").append(URLEncoder.encode(one, StandardCharsets.UTF_8));
            }
        }
        URI uri = URI.create(realm + (query.length() == 0 ? "" : (realm.contains("?") ? "&" : "?") + query));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(Endpoint.REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (uri.getScheme().equals("http")) {
            request.version(HttpClient.Version.HTTP_1_1);
        }
        credential.ifPresent(c -> request.header("Authorization", basic(c)));
        HttpResponse<byte[]> response = RegistryTransport.exchange(tls.client(uri.getRawAuthority()), request.build(), registry);
        int status = response.statusCode();
        if (status == 401) {
            throw credential.isPresent() ? rejected(registry, repository) : noCredentials(registry, repository);
        }
        if (status == 403) {
            throw denied(registry, repository);
        }
        if (status != 200) {
            throw new RegistryException("token service " + RegistryTransport.display(uri) + " of registry " + registry
                    + " answered HTTP " + status + forRepository(repository), status, null);
        }
        JsonNode json = Json.readObject(response.body(), "the answer of token service " + RegistryTransport.display(uri), false);
        String token = Json.text(json, "token");
        if (token == null || token.isEmpty()) {
            token = Json.text(json, "access_token");
        }
        if (token == null || token.isEmpty()) {
            throw new RegistryException("token service " + RegistryTransport.display(uri) + " of registry " + registry
                    + " answered without a token" + forRepository(repository), status, null);
        }
        long seconds = json.path("expires_in").asLong(0);
        Duration lifetime = seconds > 0 ? Duration.ofSeconds(seconds) : DEFAULT_TOKEN_LIFETIME;
        Duration margin = lifetime.dividedBy(2).compareTo(MAX_MARGIN) < 0 ? lifetime.dividedBy(2) : MAX_MARGIN;
        return new Grant("Bearer " + token, clock.instant().plus(lifetime).minus(margin));
    }
}

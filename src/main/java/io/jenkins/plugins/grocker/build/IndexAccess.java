package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.spec.IndexSpec;
import io.jenkins.plugins.grocker.spec.AppRequirement;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How pip reaches the package index of an application: its options (no secrets, so they may appear in
 * logs and keys) and, separately, a netrc file with the credentials, which only ever exists inside the
 * compiler container. Immutable.
 */
final class IndexAccess {
    private final List<String> pipArguments;
    private final String netrc;
    private final String user;
    private final String password;
    private final String description;

    private IndexAccess(List<String> pipArguments, String netrc, String user, String password, String description) {
        this.pipArguments = List.copyOf(pipArguments);
        this.netrc = netrc;
        this.user = user;
        this.password = password;
        this.description = description;
    }

    static IndexAccess resolve(AppSpec app, Map<String, String> env) throws InputException {
        IndexSpec index = app.index();
        List<String> args = new ArrayList<>();
        if (index.url() == null) {
            args.add("--no-index");
        } else {
            args.add("--index-url");
            args.add(index.url());
        }
        for (String extra : index.extraUrls()) {
            args.add("--extra-index-url");
            args.add(extra);
        }
        for (String link : index.findLinks()) {
            args.add("--find-links");
            args.add(link);
        }
        for (String host : index.trustedHosts()) {
            args.add("--trusted-host");
            args.add(host);
        }
        String[] credentials = credentials(app, env);
        String netrc = null;
        if (credentials != null) {
            Set<String> hosts = new LinkedHashSet<>();
            if (index.url() != null) {
                hosts.add(URI.create(index.url()).getHost());
            }
            index.extraUrls().forEach(u -> hosts.add(URI.create(u).getHost()));
            StringBuilder sb = new StringBuilder();
            for (String host : hosts) {
                sb.append("machine ").append(host).append(" login ").append(quote(credentials[0]))
                        .append(" password ").append(quote(credentials[1])).append('\n');
            }
            netrc = sb.toString();
        }
        return new IndexAccess(args, netrc, credentials == null ? null : credentials[0],
                credentials == null ? null : credentials[1], index.url() == null ? "find-links only" : index.url());
    }

    /**
     * Asks the index for the application's page before any container runs, so that refused credentials are
     * reported as such (pip only says it found no version). Answers other than 401 and 403, and an index
     * this machine cannot reach (it may be reachable from a remote engine only), are left to pip.
     */
    void probe(AppSpec app) throws InputException {
        if (app.requirement() == null || app.index().url() == null) {
            return;
        }
        String page = app.index().url().replaceAll("/+$", "") + "/" + AppRequirement.normalize(app.requirement().name()) + "/";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(page)).timeout(Duration.ofSeconds(20)).GET();
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        int status;
        try {
            status = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (status == 401 || status == 403) {
            String where = app.index().credentialsFile() != null ? "index.credentials.file " + app.index().credentialsFile()
                    : app.index().usernameEnv() + "/" + app.index().passwordEnv();
            throw new InputException("index " + app.index().url() + " answered " + status + (status == 401 ? " Unauthorized" : " Forbidden")
                    + " for " + app.requirement().name() + (user == null ? ": it needs credentials (" + where + " are not set)"
                    : ": check the credentials in " + where));
        }
    }

    private static String[] credentials(AppSpec app, Map<String, String> env) throws InputException {
        IndexSpec index = app.index();
        if (index.credentialsFile() != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(index.credentialsFile());
            } catch (IOException e) {
                throw new InputException(app.file() + ": field 'index.credentials.file': cannot read " + index.credentialsFile());
            }
            String first = lines.isEmpty() ? "" : lines.get(0).strip();
            int colon = first.indexOf(':');
            if (colon <= 0 || colon == first.length() - 1) {
                throw new InputException(app.file() + ": field 'index.credentials.file': " + index.credentialsFile()
                        + " must hold user:password on its first line");
            }
            return new String[] {first.substring(0, colon), first.substring(colon + 1)};
        }
        String user = env.get(index.usernameEnv());
        String password = env.get(index.passwordEnv());
        boolean hasUser = user != null && !user.isEmpty();
        boolean hasPassword = password != null && !password.isEmpty();
        if (hasUser != hasPassword) {
            throw new InputException(app.file() + ": field 'index.credentials': " + (hasUser ? index.passwordEnv() : index.usernameEnv())
                    + " is not set while " + (hasUser ? index.usernameEnv() : index.passwordEnv()) + " is");
        }
        return hasUser ? new String[] {user, password} : null;
    }

    private static String quote(String token) {
        return token.matches("[^\\s\"']+") ? token : "\"" + token.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** pip options for the index, without credentials. */
    List<String> pipArguments() {
        return pipArguments;
    }

    /** The netrc file's content, or null without credentials. */
    String netrc() {
        return netrc;
    }

    /** Replaces the password, if any, in text that is about to be shown. */
    String redact(String text) {
        return password == null || password.isEmpty() || text == null ? text : text.replace(password, "****");
    }

    String description() {
        return description;
    }
}

package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.spec.IndexSpec;
import java.io.IOException;
import java.net.URI;
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
    private final String password;
    private final String description;

    private IndexAccess(List<String> pipArguments, String netrc, String password, String description) {
        this.pipArguments = List.copyOf(pipArguments);
        this.netrc = netrc;
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
        return new IndexAccess(args, netrc, credentials == null ? null : credentials[1],
                index.url() == null ? "find-links only" : index.url());
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

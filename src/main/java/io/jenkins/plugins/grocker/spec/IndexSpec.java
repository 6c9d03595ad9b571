package io.jenkins.plugins.grocker.spec;

import java.nio.file.Path;
import java.util.List;

/**
 * Where pip finds the application and its dependencies. Credentials are never part of the spec: the spec
 * only names the environment variables or the file that hold them. Immutable.
 *
 * @param url the PEP 503 index, or null for none (then only {@code findLinks})
 * @param usernameEnv variable holding the user name (default {@code GROCKER_INDEX_USERNAME})
 * @param passwordEnv variable holding the password (default {@code GROCKER_INDEX_PASSWORD})
 * @param credentialsFile a file holding {@code user:password} on its first line, or null
 */
public record IndexSpec(String url, List<String> extraUrls, List<String> findLinks, List<String> trustedHosts,
        String usernameEnv, String passwordEnv, Path credentialsFile) {
    public static final String DEFAULT_USERNAME_ENV = "GROCKER_INDEX_USERNAME";
    public static final String DEFAULT_PASSWORD_ENV = "GROCKER_INDEX_PASSWORD";

    public IndexSpec {
        extraUrls = List.copyOf(extraUrls);
        findLinks = List.copyOf(findLinks);
        trustedHosts = List.copyOf(trustedHosts);
    }

    public static IndexSpec none() {
        return new IndexSpec(null, List.of(), List.of(), List.of(), DEFAULT_USERNAME_ENV, DEFAULT_PASSWORD_ENV, null);
    }
}

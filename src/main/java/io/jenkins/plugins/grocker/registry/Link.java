package io.jenkins.plugins.grocker.registry;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code rel="next"} page of a paginated answer ({@code Link: </v2/…?last=x>; rel="next"}, RFC 5988). */
final class Link {
    private static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;[^,]*rel=\"?next\"?", Pattern.CASE_INSENSITIVE);

    private Link() {}

    /**
     * The path and query of the next page, or empty on the last page. An absolute link keeps only its path and
     * query: pages are asked of the same registry, with the same credentials.
     */
    static Optional<String> next(Response response) {
        for (String value : response.headers("Link")) {
            Matcher m = NEXT.matcher(value);
            if (m.find()) {
                URI uri = URI.create(m.group(1).trim());
                String path = uri.getRawPath();
                if (path == null || !path.startsWith("/v2/")) {
                    return Optional.empty();
                }
                return Optional.of(path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            }
        }
        return Optional.empty();
    }
}

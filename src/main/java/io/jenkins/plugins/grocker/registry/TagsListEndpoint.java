package io.jenkins.plugins.grocker.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.grocker.RegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v2/<repo>/tags/list}, one page: its tags and the path of the next page ({@code Link} header). A
 * repository the registry does not know is an error with status 404; {@code "tags": null} (a repository whose
 * manifests were all deleted) is an empty page.
 */
final class TagsListEndpoint extends Endpoint<TagsListEndpoint.Page> {
    /** Asked of registries per page; they may send fewer and a next link. */
    static final int PAGE_SIZE = 1000;

    record Page(List<String> tags, Optional<String> next) {}

    private final String pathAndQuery;

    /** @param pathAndQuery the page to read, or null for the first one */
    TagsListEndpoint(String registry, String repository, String pathAndQuery) {
        super(registry, repository);
        this.pathAndQuery = pathAndQuery != null ? pathAndQuery : "/v2/" + repository + "/tags/list?n=" + PAGE_SIZE;
    }

    @Override
    String method() {
        return "GET";
    }

    @Override
    String path() {
        return pathAndQuery;
    }

    @Override
    String accept() {
        return "application/json";
    }

    @Override
    String subject() {
        return "the tags of " + repository();
    }

    @Override
    Page handle(Response response) throws RegistryException {
        if (response.status() == 404) {
            throw new RegistryException("repository " + repository() + " not found in registry " + registry(), 404, null);
        }
        if (response.status() != 200) {
            throw unexpected(response);
        }
        JsonNode json = Json.readObject(response.body(), "the tag list of " + repository() + " from registry " + registry());
        List<String> tags = new ArrayList<>();
        for (JsonNode tag : json.path("tags")) {
            if (tag.isTextual()) {
                tags.add(tag.asText());
            }
        }
        return new Page(tags, Link.next(response));
    }
}

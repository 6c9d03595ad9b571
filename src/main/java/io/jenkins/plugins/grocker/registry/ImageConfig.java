package io.jenkins.plugins.grocker.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Platform;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parts of an image's config blob this project reads: platform, user, environment, labels and creation time. Immutable. */
public final class ImageConfig {
    private final Platform platform;
    private final String user;
    private final Map<String, String> labels;
    private final Map<String, String> env;
    private final Instant created;

    private ImageConfig(Platform platform, String user, Map<String, String> labels, Map<String, String> env, Instant created) {
        this.platform = platform;
        this.user = user;
        this.labels = Collections.unmodifiableMap(labels);
        this.env = Collections.unmodifiableMap(env);
        this.created = created;
    }

    /**
     * Reads a config blob.
     *
     * @param what names the config in messages
     * @throws RegistryException when it is not JSON or does not name its os and architecture
     */
    public static ImageConfig read(byte[] bytes, String what) throws RegistryException {
        JsonNode json = Json.readObject(bytes, what);
        String os = Json.text(json, "os");
        String architecture = Json.text(json, "architecture");
        if (os == null || architecture == null) {
            throw new RegistryException(what + " does not name its os and architecture");
        }
        JsonNode config = json.path("config");
        Map<String, String> labels = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = config.path("Labels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> label = it.next();
            if (label.getValue().isTextual()) {
                labels.put(label.getKey(), label.getValue().asText());
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode entry : config.path("Env")) {
            String text = entry.isTextual() ? entry.asText() : "";
            int eq = text.indexOf('=');
            if (eq > 0) {
                env.put(text.substring(0, eq), text.substring(eq + 1));
            }
        }
        String user = Json.text(config, "User");
        Instant created = null;
        String createdText = Json.text(json, "created");
        if (createdText != null) {
            try {
                created = OffsetDateTime.parse(createdText).toInstant();
            } catch (DateTimeParseException e) {
                created = null; // an unreadable date is no date
            }
        }
        return new ImageConfig(ImageIndex.platform(os, architecture, Json.text(json, "variant")), user == null ? "" : user,
                labels, env, created);
    }

    public Platform platform() {
        return platform;
    }

    /** The {@code User} the image runs as ({@code name}, {@code uid}, {@code uid:gid}); empty for root by default. */
    public String user() {
        return user;
    }

    public Map<String, String> labels() {
        return labels;
    }

    /** The image's environment ({@code Env}, {@code NAME=value} entries), in order. */
    public Map<String, String> env() {
        return env;
    }

    /** When the image was made (the config's {@code created}), or null when absent or not a date. */
    public Instant created() {
        return created;
    }
}

package io.jenkins.plugins.grocker.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.grocker.RegistryException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The fields of an image config that housekeeping needs: platform and creation time. Immutable.
 *
 * @param variant null when absent
 * @param created the config's {@code created}, or null when absent or not a date
 */
public record ConfigParts(String os, String architecture, String variant, Instant created) {
    /** Reads an image config blob; {@code what} names it in errors. */
    public static ConfigParts of(byte[] config, String what) throws RegistryException {
        JsonNode json = Json.readObject(config, what);
        Instant created = null;
        String text = Json.text(json, "created");
        if (text != null) {
            try {
                created = OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                created = null;
            }
        }
        String variant = Json.text(json, "variant");
        return new ConfigParts(Json.text(json, "os"), Json.text(json, "architecture"),
                variant == null || variant.isEmpty() ? null : variant, created);
    }

    /** {@code os/arch[/variant]}, or null when the config names no os or architecture. */
    public String platform() {
        if (os == null || architecture == null) {
            return null;
        }
        return os + "/" + architecture + (variant == null || ("arm64".equals(architecture) && "v8".equals(variant)) ? "" : "/" + variant);
    }
}

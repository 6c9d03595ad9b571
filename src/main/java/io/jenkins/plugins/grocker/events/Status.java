package io.jenkins.plugins.grocker.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What happens, or happened, to one image on one platform. A plan says {@link #BUILD} or {@link #REUSE}; a run
 * says {@link #BUILT} or {@link #REUSED}. Written to JSON and logs in lowercase.
 */
public enum Status {
    /** A plan: it will be built. */
    BUILD,
    /** A plan: an image with its key exists and will be used. */
    REUSE,
    /** A run: it was built. */
    BUILT,
    /** A run: an image with its key existed and was used. */
    REUSED;

    /** The status written as {@code text} (built, reused, build, reuse), or null for null or anything else. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static Status parse(String text) {
        for (Status s : values()) {
            if (s.toString().equals(text)) {
                return s;
            }
        }
        return null;
    }

    /** True for {@link #BUILD} and {@link #BUILT}. */
    public boolean isBuild() {
        return this == BUILD || this == BUILT;
    }

    /** The status a plan's decision has once it is carried out. */
    public Status done() {
        return switch (this) {
            case BUILD, BUILT -> BUILT;
            case REUSE, REUSED -> REUSED;
        };
    }

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.jenkins.plugins.grocker.build;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * Why an image is built or reused: a kind and the value it names (a key's short form, a parent, a registry).
 * Written to JSON and logs as one sentence. Immutable.
 */
public record Reason(Kind kind, String key, String subject) {
    /** The kinds of reasons, each with its sentence. */
    public enum Kind {
        /** No image has the key: {@code no image with key K yet}. */
        NEW_KEY,
        /** The parent is built first, the key is known after: {@code parent 'P' will be built}. */
        PARENT_WILL_BE_BUILT,
        /** A plan: the parent is in the local engine only and is pushed first: {@code parent 'P' will be pushed first}. */
        PARENT_WILL_BE_PUSHED,
        /** The parent was built in this run: {@code parent 'P' was rebuilt}. */
        PARENT_REBUILT,
        /** The registry has the key: {@code key K found in HOST}. */
        FOUND_IN_REGISTRY,
        /** The local engine has the key and nothing is pushed: {@code key K found in the local engine}. */
        FOUND_LOCALLY,
        /** A plan: the local engine has the key; the image will be pushed. */
        FOUND_LOCALLY_TO_PUSH,
        /** A run: the local engine had the key and the image was pushed. */
        FOUND_LOCALLY_PUSHED,
        /**
         * A run: between planning and building, another build made the key (found in the registry or the local engine
         * when this run looked again, holding the key's lock): {@code another build made key K meanwhile (found in W)}.
         */
        MADE_MEANWHILE,
        /**
         * A run: another build published the key at the same time as this one; the registry's image is used and this
         * run's own image of the key is not: {@code another build published key K at the same time; the image in R is used}.
         */
        ADOPTED,
        /** A reason read back from a result file: its sentence is kept as it was written. */
        RECORDED
    }

    public Reason {
        Objects.requireNonNull(kind, "kind");
    }

    public static Reason newKey(String key) {
        return new Reason(Kind.NEW_KEY, key, null);
    }

    public static Reason parentWillBeBuilt(String parent) {
        return new Reason(Kind.PARENT_WILL_BE_BUILT, null, parent);
    }

    public static Reason parentWillBePushed(String parent) {
        return new Reason(Kind.PARENT_WILL_BE_PUSHED, null, parent);
    }

    public static Reason parentRebuilt(String parent) {
        return new Reason(Kind.PARENT_REBUILT, null, parent);
    }

    public static Reason foundInRegistry(String key, String registry) {
        return new Reason(Kind.FOUND_IN_REGISTRY, key, registry);
    }

    public static Reason foundLocally(String key) {
        return new Reason(Kind.FOUND_LOCALLY, key, null);
    }

    public static Reason foundLocallyToPush(String key) {
        return new Reason(Kind.FOUND_LOCALLY_TO_PUSH, key, null);
    }

    public static Reason foundLocallyPushed(String key) {
        return new Reason(Kind.FOUND_LOCALLY_PUSHED, key, null);
    }

    /** @param where a registry host, or {@code the local engine} */
    public static Reason madeMeanwhile(String key, String where) {
        return new Reason(Kind.MADE_MEANWHILE, key, where);
    }

    /** @param registry the registry host */
    public static Reason adopted(String key, String registry) {
        return new Reason(Kind.ADOPTED, key, registry);
    }

    /** A reason as a result file recorded it (for results merged from files, and results read back). */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static Reason recorded(String sentence) {
        return new Reason(Kind.RECORDED, null, sentence);
    }

    /** The sentence. */
    @JsonValue
    public String text() {
        return switch (kind) {
            case NEW_KEY -> "no image with key " + key + " yet";
            case PARENT_WILL_BE_BUILT -> "parent '" + subject + "' will be built";
            case PARENT_WILL_BE_PUSHED -> "parent '" + subject + "' will be pushed first";
            case PARENT_REBUILT -> "parent '" + subject + "' was rebuilt";
            case FOUND_IN_REGISTRY -> "key " + key + " found in " + subject;
            case FOUND_LOCALLY -> "key " + key + " found in the local engine";
            case FOUND_LOCALLY_TO_PUSH -> "key " + key + " found in the local engine; it will be pushed";
            case FOUND_LOCALLY_PUSHED -> "key " + key + " found in the local engine; pushed";
            case MADE_MEANWHILE -> "another build made key " + key + " meanwhile (found in " + subject + ")";
            case ADOPTED -> "another build published key " + key + " at the same time; the image in " + subject + " is used";
            case RECORDED -> subject;
        };
    }

    @Override
    public String toString() {
        return text();
    }
}

package io.jenkins.plugins.grocker.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.ResponseItem;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows the JSON progress stream of a build, push or pull: hands each output line on, and keeps the first
 * error, the image id a build reports and the digest a push reports. Progress-bar updates (status items with
 * progress detail) are not handed on: a Jenkins log has no use for them. Safe to read after
 * {@code awaitCompletion()} returns.
 */
final class ProgressCallback<T extends ResponseItem> extends ResultCallback.Adapter<T> {
    private static final Pattern SUCCESSFULLY_BUILT = Pattern.compile("Successfully built ([0-9a-f]+)");
    private static final Pattern PUSHED_DIGEST = Pattern.compile("digest: (sha256:[0-9a-f]{64})");

    private final LineSplitter lines;
    private volatile String error;
    private volatile String imageId;
    private volatile String shortImageId;
    private volatile String digest;

    ProgressCallback(Consumer<String> output) {
        this.lines = new LineSplitter(output);
    }

    @Override
    @SuppressWarnings("deprecation") // getError(): older engines send only "error", without "errorDetail"
    public void onNext(T item) {
        if (item.getStream() != null) {
            lines.accept(item.getStream());
            Matcher built = SUCCESSFULLY_BUILT.matcher(item.getStream());
            if (built.find()) {
                shortImageId = built.group(1);
            }
        }
        if (item.getStatus() != null) {
            boolean progressBar = item.getProgressDetail() != null && item.getProgressDetail().getCurrent() != null;
            if (!progressBar) {
                lines.line(item.getId() != null ? item.getId() + ": " + item.getStatus() : item.getStatus());
            }
            Matcher pushed = PUSHED_DIGEST.matcher(item.getStatus());
            if (pushed.find() && digest == null) {
                digest = pushed.group(1);
            }
        }
        if (item.getAux() != null) {
            if (item.getAux().getDigest() != null) {
                digest = item.getAux().getDigest();
            }
            // docker-java's AuxDetail has no ID field: the build's {"aux":{"ID":"sha256:…"}} is only in the raw values
            Map<String, Object> raw = item.getAux().getRawValues();
            Object id = raw == null ? null : raw.get("ID");
            if (id instanceof String s && s.startsWith("sha256:")) {
                imageId = s;
            }
        }
        if (item.isErrorIndicated()) {
            String message = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                    ? item.getErrorDetail().getMessage()
                    : item.getError();
            lines.line("ERROR: " + message);
            if (error == null) {
                error = EngineErrors.oneLine(message == null ? "unknown error" : message);
            }
        }
    }

    @Override
    public void onComplete() {
        lines.flush();
        super.onComplete();
    }

    @Override
    public void onError(Throwable throwable) {
        lines.flush();
        super.onError(throwable);
    }

    /** The first error the engine reported in the stream, one line, or null. */
    String error() {
        return error;
    }

    /** The full image id from the build's aux message, or null. */
    String imageId() {
        return imageId;
    }

    /** The short image id from "Successfully built …", or null. */
    String shortImageId() {
        return shortImageId;
    }

    /** The manifest digest a push reported, or null. */
    String digest() {
        return digest;
    }
}

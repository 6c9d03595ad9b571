package io.jenkins.plugins.grocker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes JSON results through {@link AtomicFile}, so a reader never sees half a file. */
public final class JsonFile {
    private JsonFile() {}

    /** Writes {@code value}; a failure is an input error naming {@code option} (the option that named the file). */
    public static void write(Path file, Object value, String option) throws InputException {
        try {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            AtomicFile.write(file, out -> json.writeValue(out, value));
        } catch (IOException e) {
            throw new InputException(option + ": cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Fails early when {@code file} could not be written later (its directory cannot be made or written). */
    public static void checkWritable(Path file, String option) throws InputException {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InputException(option + ": cannot create " + dir + ": " + e.getMessage());
        }
        if (!Files.isWritable(dir)) {
            throw new InputException(option + ": cannot write into " + dir);
        }
    }
}

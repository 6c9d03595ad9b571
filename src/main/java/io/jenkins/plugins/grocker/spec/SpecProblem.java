package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.InputException;
import java.nio.file.Path;

/**
 * Where in a spec file a problem is: the file, the image (when inside one) and the field path. Builds the
 * one-line messages of {@link InputException}s: {@code flowcore.yaml: image 'base': field 'user.uid': ...}.
 */
record SpecProblem(Path file, String image, String field) {
    SpecProblem at(String child) {
        return new SpecProblem(file, image, field == null || field.isEmpty() ? child : field + "." + child);
    }

    SpecProblem index(int i) {
        return new SpecProblem(file, image, field + "[" + i + "]");
    }

    SpecProblem inImage(String name) {
        return new SpecProblem(file, name, null);
    }

    InputException error(String problem) {
        StringBuilder sb = new StringBuilder(String.valueOf(file)).append(": ");
        if (image != null) {
            sb.append("image '").append(image).append("': ");
        }
        if (field != null && !field.isEmpty()) {
            sb.append("field '").append(field).append("': ");
        }
        return new InputException(sb.append(problem).toString());
    }
}

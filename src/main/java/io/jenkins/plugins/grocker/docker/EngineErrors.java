package io.jenkins.plugins.grocker.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.DockerException;
import io.jenkins.plugins.grocker.EngineException;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what docker-java throws into {@link EngineException}s with one-line messages. docker-java reports a
 * daemon error as {@code DockerException("Status 404: {\"message\":\"No such image: x\"}\n")} and a broken
 * connection as a bare {@code RuntimeException} around an {@link IOException}. Stateless.
 */
final class EngineErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STATUS_PREFIX = Pattern.compile("(?s)^Status \\d+: (.*)$");

    private EngineErrors() {}

    /**
     * The exception for a failed operation.
     *
     * @param endpoint where the engine is
     * @param what what was being done, e.g. {@code "push of 127.0.0.1:5000/app:1"}, which starts the message
     */
    static EngineException convert(String endpoint, String what, Throwable failure) {
        IOException io = ioCause(failure);
        if (io != null && !(failure instanceof DockerException)) {
            return unreachable(endpoint, what, io);
        }
        return new EngineException(what + " failed: " + reason(failure), failure);
    }

    static EngineException unreachable(String endpoint, String what, Throwable cause) {
        String during = what == null ? "" : " (during " + what + ")";
        return new EngineException("Docker engine at " + endpoint + " is unreachable: " + describe(cause) + during, cause);
    }

    static boolean isConnectionFailure(Throwable failure) {
        return !(failure instanceof DockerException) && ioCause(failure) != null;
    }

    /** The daemon's own message for a DockerException, else the exception's message; one line. */
    static String reason(Throwable failure) {
        if (failure instanceof DockerException) {
            return daemonMessage(failure.getMessage());
        }
        return oneLine(describe(failure));
    }

    /** {@code Status 404: {"message":"No such image: x"}} becomes {@code No such image: x}. */
    static String daemonMessage(String exceptionMessage) {
        if (exceptionMessage == null) {
            return "no message from the engine";
        }
        String body = exceptionMessage;
        Matcher m = STATUS_PREFIX.matcher(exceptionMessage);
        if (m.matches()) {
            body = m.group(1).trim();
        }
        if (body.startsWith("{")) {
            try {
                JsonNode node = JSON.readTree(body);
                if (node.hasNonNull("message")) {
                    body = node.get("message").asText();
                }
            } catch (IOException notJson) {
                // keep the body as it is
            }
        }
        return oneLine(body);
    }

    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        return text.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }

    private static String describe(Throwable t) {
        Throwable cur = t;
        // RuntimeException(IOException) carries "java.io.IOException: msg" as its message: use the innermost useful one
        while (cur.getCause() != null && cur.getCause() != cur
                && (cur.getMessage() == null || cur.getMessage().equals(cur.getCause().toString()))) {
            cur = cur.getCause();
        }
        String message = cur.getMessage();
        return message == null || message.isBlank() ? cur.getClass().getSimpleName() : oneLine(message);
    }

    private static IOException ioCause(Throwable t) {
        for (Throwable cur = t; cur != null; cur = cur.getCause() == cur ? null : cur.getCause()) {
            if (cur instanceof IOException io) {
                return io;
            }
        }
        return null;
    }
}

package io.jenkins.plugins.grocker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Asks git about the checkout around a directory; a missing git or checkout is an answer of null. */
public final class Git {
    private Git() {}

    /** The HEAD commit of the checkout around {@code dir}, or null. */
    public static String head(Path dir) {
        String revision = output(dir, "rev-parse", "HEAD");
        return revision != null && revision.matches("[0-9a-f]{40,64}") ? revision : null;
    }

    /** What {@code git -C dir ARGS} prints (stripped), or null when it fails, prints nothing or takes over 10 s. */
    public static String output(Path dir, String... args) {
        if (dir == null) {
            return null;
        }
        String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = dir.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return null;
            }
            return out.isEmpty() ? null : out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

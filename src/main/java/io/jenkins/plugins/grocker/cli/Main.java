package io.jenkins.plugins.grocker.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Entry point of {@code bin/grocker}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = GrockerCommand.run(out, err, System.getenv(), args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}

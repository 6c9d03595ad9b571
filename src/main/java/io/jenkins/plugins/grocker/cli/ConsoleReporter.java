package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.events.BuildListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Renders engine events as plain lines, one per image/platform as it starts and ends, fit for a terminal
 * and for a Jenkins log alike. Of Docker's output only the build steps ({@code Step 3/12 : RUN ...}) appear unless verbose. Thread-safe (synchronized).
 */
final class ConsoleReporter implements BuildListener {
    private final PrintWriter out;
    private final boolean verbose;

    ConsoleReporter(PrintWriter out, boolean verbose) {
        this.out = out;
        this.verbose = verbose;
    }

    @Override
    public synchronized void on(BuildEvent event) {
        if (event instanceof BuildEvent.Started s) {
            out.println("[" + s.image() + " " + s.platform() + "] "
                    + (s.action().isBuild() ? "building" : "reusing") + ": " + s.reason());
        } else if (event instanceof BuildEvent.Finished f) {
            out.println("[" + f.image() + " " + f.platform() + "] " + f.status() + " in "
                    + String.format(Locale.ROOT, "%.1f", f.seconds()) + "s " + (f.digest() == null ? "" : f.digest()));
        } else if (event instanceof BuildEvent.Output o) {
            if (verbose || o.line().startsWith("Step ")) {
                out.println("[" + o.image() + " " + o.platform() + "] | " + o.line());
            }
        } else if (event instanceof BuildEvent.Info i) {
            out.println(i.message());
        }
        out.flush();
    }
}

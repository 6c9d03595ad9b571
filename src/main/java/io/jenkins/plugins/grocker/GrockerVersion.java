package io.jenkins.plugins.grocker;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** grocker's version, as Maven wrote it into {@code version.properties}. */
public final class GrockerVersion {
    private static final String VERSION = read();

    private GrockerVersion() {}

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown}. */
    public static String get() {
        return VERSION;
    }

    private static String read() {
        Properties p = new Properties();
        try (InputStream in = GrockerVersion.class.getResourceAsStream("/io/jenkins/plugins/grocker/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }
}

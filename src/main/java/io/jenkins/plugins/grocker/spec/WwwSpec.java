package io.jenkins.plugins.grocker.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The application's {@code www} service, the Grocker way: nginx in front of the application server (uwsgi with
 * Debian's Python 3 plugin, or gunicorn), on one port, as the image's user (docs/entrypoint.md). Immutable.
 *
 * @param server {@code uwsgi} or {@code gunicorn}
 * @param app the WSGI application, {@code package.module:callable}
 * @param port the one port nginx listens on
 * @param workers application server processes
 * @param threads threads per process
 * @param staticDirs URL prefix ({@code /static/}) to the directory nginx serves it from; a directory may start with
 *     {@value #SITE_PACKAGES}, the runner's site-packages directory
 * @param mediaUrl the internal URL prefix the application names in {@code X-Accel-Redirect} to have nginx send a file
 *     of the media directory, or null
 * @param args extra application server arguments, taken literally
 * @param maxBody the largest request body nginx accepts ({@code 10m}), or null for the entrypoint's default
 */
public record WwwSpec(String server, String app, int port, int workers, int threads, Map<String, String> staticDirs,
        String mediaUrl, List<String> args, String maxBody) {
    /** Placeholder for the runner's {@code site-packages} directory in static directories. */
    public static final String SITE_PACKAGES = "{site-packages}";
    public static final String UWSGI = "uwsgi";
    public static final String GUNICORN = "gunicorn";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_WORKERS = 2;
    public static final int DEFAULT_THREADS = 1;
    public static final String DEFAULT_MEDIA_URL = "/_media/";

    public WwwSpec {
        staticDirs = Collections.unmodifiableMap(new LinkedHashMap<>(staticDirs));
        args = List.copyOf(args);
    }
}

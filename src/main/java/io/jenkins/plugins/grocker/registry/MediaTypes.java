package io.jenkins.plugins.grocker.registry;

import java.util.List;
import java.util.Locale;

/** Media types of the OCI image spec and of Docker's image manifest v2, schema 2. */
public final class MediaTypes {
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /** The manifest types this client reads, in order of preference. */
    public static final List<String> MANIFEST_TYPES = List.of(OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST_V2);

    /** An {@code Accept} header value asking for any of {@link #MANIFEST_TYPES}. */
    public static final String ACCEPT_ALL = String.join(", ", MANIFEST_TYPES);

    private MediaTypes() {}

    /** An OCI image index or a Docker manifest list: a manifest whose children are per-platform manifests. */
    public static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
    }

    /** A single-platform image manifest (OCI or Docker v2 schema 2). */
    public static boolean isImageManifest(String mediaType) {
        return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST_V2.equals(mediaType);
    }

    /** The media type of a {@code Content-Type} header value, without parameters, lowercase; null stays null. */
    static String strip(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).trim();
        return type.isEmpty() ? null : type.toLowerCase(Locale.ROOT);
    }
}

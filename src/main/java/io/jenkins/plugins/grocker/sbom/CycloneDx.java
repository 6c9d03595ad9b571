package io.jenkins.plugins.grocker.sbom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Writes a CycloneDX 1.6 JSON document for one platform image: the image as the document's subject
 * ({@code metadata.component}, type {@code container}), its operating system, every installed Debian package
 * ({@code pkg:deb/…}) and every Python distribution ({@code pkg:pypi/…}, with where it is installed as evidence).
 * Components are sorted by package URL and the serial number is derived from the content, so the same image gives
 * the same bytes (and the same digest when it is attached again). Written with Jackson against the specification:
 * the official Java library pulls in about 11 MB of dependencies (XML, a schema validator, other Jackson and SLF4J
 * versions); the tests validate this output with it against the 1.6 schema. Stateless and thread-safe.
 */
public final class CycloneDx {
    /** The media type of the document, also the artifact type under which it is attached to an image. */
    public static final String MEDIA_TYPE = "application/vnd.cyclonedx+json";
    public static final String SPEC_VERSION = "1.6";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CycloneDx() {}

    /** The SBOM of an image with these contents. */
    public static byte[] write(ImageContents contents, SbomSubject subject) {
        ObjectNode bom = MAPPER.createObjectNode();
        bom.put("bomFormat", "CycloneDX");
        bom.put("specVersion", SPEC_VERSION);
        bom.put("serialNumber", "urn:uuid:" + serial(contents, subject));
        bom.put("version", 1);

        ObjectNode metadata = bom.putObject("metadata");
        if (subject.created() != null) {
            metadata.put("timestamp", subject.created().toString());
        }
        ObjectNode tool = metadata.putObject("tools").putArray("components").addObject();
        tool.put("type", "application");
        tool.put("name", "grocker");
        tool.put("version", subject.toolVersion());
        ObjectNode image = metadata.putObject("component");
        image.put("type", "container");
        image.put("bom-ref", "image");
        image.put("name", subject.repository() != null ? subject.repository() : "image");
        if (subject.digest() != null) {
            image.put("version", subject.digest());
            if (subject.repository() != null) {
                image.put("purl", PackageUrls.oci(subject.repository(), subject.digest(), subject.platform().architecture()));
            }
        }
        ArrayNode imageProperties = image.putArray("properties");
        property(imageProperties, "grocker:platform", subject.platform().toString());

        ArrayNode components = bom.putArray("components");
        OsRelease os = contents.os();
        ObjectNode osComponent = components.addObject();
        osComponent.put("type", "operating-system");
        osComponent.put("bom-ref", "os:" + os.id() + (os.versionId() == null ? "" : "@" + os.versionId()));
        osComponent.put("name", os.id());
        if (os.versionId() != null) {
            osComponent.put("version", os.versionId());
        }
        if (os.prettyName() != null) {
            osComponent.put("description", os.prettyName());
        }

        List<DebianPackage> debs = new ArrayList<>(contents.debianPackages());
        debs.sort(Comparator.comparing(d -> d.purl(os.id())));
        String lastPurl = null;
        for (DebianPackage deb : debs) {
            String purl = deb.purl(os.id());
            if (purl.equals(lastPurl)) {
                continue; // listed twice (status and status.d): one component
            }
            lastPurl = purl;
            ObjectNode c = components.addObject();
            c.put("type", "library");
            c.put("bom-ref", purl);
            if (deb.maintainer() != null) {
                c.put("publisher", deb.maintainer());
            }
            c.put("name", deb.name());
            c.put("version", deb.version());
            c.put("purl", purl);
            ArrayNode properties = c.putArray("properties");
            property(properties, "grocker:package-type", "deb");
            if (deb.source() != null) {
                property(properties, "grocker:deb:source", deb.source());
            }
        }

        List<PythonDistribution> pythons = new ArrayList<>(contents.pythonDistributions());
        pythons.sort(Comparator.comparing(PythonDistribution::purl));
        for (PythonDistribution python : pythons) {
            ObjectNode c = components.addObject();
            c.put("type", "library");
            c.put("bom-ref", python.purl());
            c.put("name", python.name());
            c.put("version", python.version());
            if (python.summary() != null) {
                c.put("description", python.summary());
            }
            if (python.license() != null) {
                ObjectNode license = c.putArray("licenses").addObject();
                if (python.licenseIsExpression()) {
                    license.put("expression", python.license());
                } else {
                    license.putObject("license").put("name", python.license());
                }
            }
            c.put("purl", python.purl());
            ArrayNode occurrences = c.putObject("evidence").putArray("occurrences");
            python.locations().stream().sorted().forEach(l -> occurrences.addObject().put("location", l));
            property(c.putArray("properties"), "grocker:package-type", "python");
        }
        try {
            return MAPPER.writeValueAsBytes(bom);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a CycloneDX document", e);
        }
    }

    private static void property(ArrayNode properties, String name, String value) {
        ObjectNode p = properties.addObject();
        p.put("name", name);
        p.put("value", value);
    }

    /** A name-based UUID of everything the document says, so the same image always gets the same serial number. */
    private static UUID serial(ImageContents contents, SbomSubject subject) {
        StringBuilder all = new StringBuilder();
        all.append(subject.repository()).append('\n').append(subject.digest()).append('\n').append(subject.platform())
                .append('\n').append(subject.created()).append('\n').append(subject.toolVersion()).append('\n')
                .append(contents.os()).append('\n');
        contents.debianPackages().stream().map(d -> d.purl(contents.os().id())).sorted().forEach(p -> all.append(p).append('\n'));
        contents.pythonDistributions().stream().map(p -> p.purl() + " " + p.locations().stream().sorted().toList()).sorted().forEach(p -> all.append(p).append('\n'));
        return UUID.nameUUIDFromBytes(all.toString().getBytes(StandardCharsets.UTF_8));
    }
}

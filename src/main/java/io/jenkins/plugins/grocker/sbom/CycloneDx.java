package io.jenkins.plugins.grocker.sbom;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Evidence;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.component.evidence.Occurrence;
import org.cyclonedx.model.license.Expression;
import org.cyclonedx.model.metadata.ToolInformation;

/**
 * Writes a CycloneDX 1.6 JSON document for one platform image with the CycloneDX project's own Java library
 * ({@code org.cyclonedx:cyclonedx-core-java}: its model and JSON generator): the image as the document's subject
 * ({@code metadata.component}, type {@code container}), its operating system, every installed Debian package
 * ({@code pkg:deb/…}) and every Python distribution ({@code pkg:pypi/…}, with where it is installed as evidence).
 * Components are sorted by package URL and the serial number is derived from the content, so the same image gives
 * the same bytes (and the same digest when it is attached again). Stateless and thread-safe.
 */
public final class CycloneDx {
    /** The media type of the document, also the artifact type under which it is attached to an image. */
    public static final String MEDIA_TYPE = "application/vnd.cyclonedx+json";
    public static final String SPEC_VERSION = "1.6";

    private CycloneDx() {}

    /** The SBOM of an image with these contents. */
    public static byte[] write(ImageContents contents, SbomSubject subject) {
        Bom bom = new Bom();
        bom.setSerialNumber("urn:uuid:" + serial(contents, subject));
        bom.setVersion(1);

        Metadata metadata = new Metadata();
        // the library's Metadata starts with the current time: none unless the subject says when, so that the same
        // image always gives the same bytes
        metadata.setTimestamp(subject.created() == null ? null : Date.from(subject.created()));
        Component tool = new Component();
        tool.setType(Component.Type.APPLICATION);
        tool.setName("grocker");
        tool.setVersion(subject.toolVersion());
        ToolInformation tools = new ToolInformation();
        tools.setComponents(List.of(tool));
        metadata.setToolChoice(tools);
        Component image = new Component();
        image.setType(Component.Type.CONTAINER);
        image.setBomRef("image");
        image.setName(subject.repository() != null ? subject.repository() : "image");
        if (subject.digest() != null) {
            image.setVersion(subject.digest().toString());
            if (subject.repository() != null) {
                image.setPurl(PackageUrls.oci(subject.repository(), subject.digest().toString(), subject.platform().architecture()));
            }
        }
        image.setProperties(List.of(property("grocker:platform", subject.platform().toString())));
        metadata.setComponent(image);
        bom.setMetadata(metadata);

        List<Component> components = new ArrayList<>();
        OsRelease os = contents.os();
        Component osComponent = new Component();
        osComponent.setType(Component.Type.OPERATING_SYSTEM);
        osComponent.setBomRef("os:" + os.id() + (os.versionId() == null ? "" : "@" + os.versionId()));
        osComponent.setName(os.id());
        osComponent.setVersion(os.versionId());
        osComponent.setDescription(os.prettyName());
        components.add(osComponent);

        List<DebianPackage> debs = new ArrayList<>(contents.debianPackages());
        debs.sort(Comparator.comparing(d -> d.purl(os.id())));
        String lastPurl = null;
        for (DebianPackage deb : debs) {
            String purl = deb.purl(os.id());
            if (purl.equals(lastPurl)) {
                continue; // listed twice (status and status.d): one component
            }
            lastPurl = purl;
            Component c = library(purl, deb.name(), deb.version());
            c.setPublisher(deb.maintainer());
            List<Property> properties = new ArrayList<>(List.of(property("grocker:package-type", "deb")));
            if (deb.source() != null) {
                properties.add(property("grocker:deb:source", deb.source()));
            }
            c.setProperties(properties);
            components.add(c);
        }

        List<PythonDistribution> pythons = new ArrayList<>(contents.pythonDistributions());
        pythons.sort(Comparator.comparing(PythonDistribution::purl));
        for (PythonDistribution python : pythons) {
            Component c = library(python.purl(), python.name(), python.version());
            c.setDescription(python.summary());
            if (python.license() != null) {
                LicenseChoice licenses = new LicenseChoice();
                if (python.licenseIsExpression()) {
                    licenses.setExpression(new Expression(python.license()));
                } else {
                    License license = new License();
                    license.setName(python.license());
                    licenses.addLicense(license);
                }
                c.setLicenses(licenses);
            }
            List<Occurrence> occurrences = new ArrayList<>();
            python.locations().stream().sorted().forEach(l -> {
                Occurrence o = new Occurrence();
                o.setLocation(l);
                occurrences.add(o);
            });
            Evidence evidence = new Evidence();
            evidence.setOccurrences(occurrences);
            c.setEvidence(evidence);
            c.setProperties(List.of(property("grocker:package-type", "python")));
            components.add(c);
        }
        bom.setComponents(components);
        try {
            return BomGeneratorFactory.createJson(Version.VERSION_16, bom).toJsonString(true).getBytes(StandardCharsets.UTF_8);
        } catch (GeneratorException e) {
            throw new IllegalStateException("cannot write a CycloneDX document: " + e.getMessage(), e);
        }
    }

    private static Component library(String purl, String name, String version) {
        Component c = new Component();
        c.setType(Component.Type.LIBRARY);
        c.setBomRef(purl);
        c.setName(name);
        c.setVersion(version);
        c.setPurl(purl);
        return c;
    }

    private static Property property(String name, String value) {
        Property p = new Property();
        p.setName(name);
        p.setValue(value);
        return p;
    }

    /** A name-based UUID of everything the document says, so the same image always gets the same serial number. */
    private static UUID serial(ImageContents contents, SbomSubject subject) {
        StringBuilder all = new StringBuilder();
        all.append(subject.repository()).append('\n').append(subject.digest()).append('\n').append(subject.platform())
                .append('\n').append(subject.created()).append('\n').append(subject.toolVersion()).append('\n')
                .append(contents.os()).append('\n');
        contents.debianPackages().stream().map(d -> d.purl(contents.os().id())).sorted().forEach(p -> all.append(p).append('\n'));
        contents.pythonDistributions().stream().map(p -> p.purl() + " " + p.locations().stream().sorted().toList()).sorted()
                .forEach(p -> all.append(p).append('\n'));
        return UUID.nameUUIDFromBytes(all.toString().getBytes(StandardCharsets.UTF_8));
    }
}

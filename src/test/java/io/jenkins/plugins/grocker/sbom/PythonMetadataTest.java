package io.jenkins.plugins.grocker.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PythonMetadataTest {
    @Test
    void readsAWheelsMetadata() {
        PythonDistribution yaml = PythonMetadata.parse(SbomFixtures.text("site-packages/PyYAML-6.0.dist-info/METADATA"),
                "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info").orElseThrow();

        assertThat(yaml.name()).isEqualTo("PyYAML");
        assertThat(yaml.version()).isEqualTo("6.0");
        assertThat(yaml.summary()).isEqualTo("YAML parser and emitter for Python");
        assertThat(yaml.license()).isEqualTo("MIT");
        assertThat(yaml.licenseIsExpression()).isFalse();
        assertThat(yaml.purl()).isEqualTo("pkg:pypi/pyyaml@6.0");
        assertThat(yaml.locations()).containsExactly("/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info");
    }

    @Test
    void prefersALicenseExpressionAndIgnoresTheLongDescription() {
        PythonDistribution attrs = PythonMetadata.parse(SbomFixtures.text("site-packages/attrs-26.1.0.dist-info/METADATA"), "x")
                .orElseThrow();

        assertThat(attrs.name()).isEqualTo("attrs");
        assertThat(attrs.version()).isEqualTo("26.1.0");
        assertThat(attrs.license()).isEqualTo("MIT");
        assertThat(attrs.licenseIsExpression()).isTrue();
        assertThat(attrs.summary()).isEqualTo("Classes Without Boilerplate");
    }

    @Test
    void readsAnEggInfo() {
        PythonDistribution jwt = PythonMetadata.parse(SbomFixtures.text("site-packages/PyJWT-2.6.0.egg-info/PKG-INFO"), "x").orElseThrow();

        assertThat(jwt.purl()).isEqualTo("pkg:pypi/pyjwt@2.6.0");
        assertThat(jwt.license()).isEqualTo("MIT");
    }

    @Test
    void aLicenseTextIsNotALicenseName() {
        String metadata = "Metadata-Version: 2.1\nName: Some_Thing.Else\nVersion: 1.0.post1\nLicense: Copyright (c) someone\n"
                + "        Permission is hereby granted, free of charge\nSummary: UNKNOWN\n\nLicense: not a header\n";

        PythonDistribution d = PythonMetadata.parse(metadata, "x").orElseThrow();

        assertThat(d.license()).isNull();
        assertThat(d.summary()).isNull();
        assertThat(d.purl()).isEqualTo("pkg:pypi/some-thing-else@1.0.post1");
    }

    @Test
    void metadataWithoutNameOrVersionIsNoDistribution() {
        assertThat(PythonMetadata.parse("Metadata-Version: 2.1\nName: x\n", "x")).isEmpty();
        assertThat(PythonMetadata.parse("", "x")).isEmpty();
    }
}

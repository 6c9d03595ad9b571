package io.jenkins.plugins.grocker.sbom;

import java.util.List;

/** What is installed in one platform image: its operating system, Debian packages and Python distributions. Immutable. */
public record ImageContents(OsRelease os, List<DebianPackage> debianPackages, List<PythonDistribution> pythonDistributions) {
    public ImageContents {
        debianPackages = List.copyOf(debianPackages);
        pythonDistributions = List.copyOf(pythonDistributions);
    }
}

package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.ImageIndex;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.Referrers;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.sbom.CycloneDx;
import io.jenkins.plugins.grocker.scan.ScanRequest;
import io.jenkins.plugins.grocker.scan.ScanResult;
import io.jenkins.plugins.grocker.scan.Scanner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scan gate on images already in a registry (promote, publish): the scanner runs on each platform image of an
 * index (or on the one image of a single manifest), told {@code repository@digest} and given the SBOM attached to it,
 * if any. Failed scans' output goes to the log.
 */
final class ScanGate {
    private final RegistryClient registry;
    private final Scanner scanner;
    private final BuildListener listener;

    ScanGate(RegistryClient registry, Scanner scanner, BuildListener listener) {
        this.registry = registry;
        this.scanner = scanner;
        this.listener = listener;
    }

    /**
     * Scans every platform image of {@code root} (an index or a single manifest of {@code repo}'s repository).
     *
     * @param sboms the SBOM of a platform manifest when already known (by digest), else it is looked up
     */
    List<ScanResult> scan(ImageReference repo, Manifest root, Platform singlePlatform, Map<Digest, byte[]> sboms)
            throws RegistryException {
        Map<Platform, Digest> images = new LinkedHashMap<>();
        if (root.isIndex()) {
            ImageIndex.read(root, "index " + repo.name() + "@" + root.digest()).platforms().forEach((p, d) -> images.put(p, d.digest()));
        } else {
            images.put(singlePlatform, root.digest());
        }
        List<ScanResult> results = new ArrayList<>();
        for (Map.Entry<Platform, Digest> image : images.entrySet()) {
            byte[] sbom = sboms.containsKey(image.getValue()) ? sboms.get(image.getValue())
                    : new Referrers(registry).content(repo, image.getValue(), CycloneDx.MEDIA_TYPE).orElse(null);
            String ref = repo.name() + "@" + image.getValue();
            listener.on(new BuildEvent.Info("scanning " + ref + " (" + image.getKey() + ")"));
            ScanResult result = scanner.scan(new ScanRequest(repo.name(), image.getKey(), ref, sbom));
            if (!result.passed()) {
                result.output().lines().forEach(line -> listener.on(new BuildEvent.Info("[scan " + image.getKey() + "] | " + line)));
            }
            listener.on(new BuildEvent.Info("scan of " + ref + " (" + image.getKey() + "): "
                    + (result.passed() ? "passed" : "failed, exit code " + result.exitCode())));
            results.add(result);
        }
        return results;
    }
}

package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.testing.FakeRegistry;
import io.jenkins.plugins.grocker.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tag writes of one run while "another build" moves a tag at a chosen moment (a registry request answered, then
 * the other build's write stored, in {@link FakeRegistry#override}): on a chain root (tag {@code r}) → mid (no tags) →
 * leaf (tag {@code l}), the check looks through the untagged image to the nearest tagged one; and
 * {@code grocker index} ({@link IndexAssembler}) tags with the same checks.
 */
class TagImagesStepTest {
    @TempDir
    Path dir;

    private FakeRegistry registry;
    private RegistryClient client;
    private final List<String> infos = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, TestImages.Image> ours = new LinkedHashMap<>();
    /** The index another build tags the root with. */
    private TestImages.Image theirs;

    @BeforeEach
    void start() throws Exception {
        registry = new FakeRegistry();
        client = RegistryClient.create(Map.of());
        long seed = 1;
        for (String name : List.of("root", "mid", "leaf")) {
            ours.put(name, TestImages.pushIndex(client, repository(name), seed++, 1, 32));
        }
        theirs = TestImages.pushIndex(client, repository("root"), 99, 1, 32);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private ImageReference repository(String name) throws Exception {
        return ImageReference.parse(registry.host() + "/t/" + name);
    }

    private List<TagImagesStep.Image> chain() throws Exception {
        return List.of(new TagImagesStep.Image("root", null, repository("root"), List.of("r")),
                new TagImagesStep.Image("mid", "root", repository("mid"), List.of()),
                new TagImagesStep.Image("leaf", "mid", repository("leaf"), List.of("l")));
    }

    private Map<String, Manifest> indexes() {
        Map<String, Manifest> indexes = new LinkedHashMap<>();
        ours.forEach((name, image) -> indexes.put(name, image.index()));
        return indexes;
    }

    private void listen(BuildEvent e) {
        if (e instanceof BuildEvent.Info i) {
            infos.add(i.message());
        }
    }

    /** The other build's tag write of the root, stored right after this run's one (same request, answered first). */
    private void rootMovedRightAfterOurWrite(String repository) {
        AtomicInteger puts = new AtomicInteger();
        registry.override("/v2/t/root/manifests/r", exchange -> {
            registry.answer(exchange);
            if (exchange.getRequestMethod().equals("PUT") && puts.incrementAndGet() == 1) {
                registry.putManifest(repository, "r", MediaTypes.OCI_INDEX, theirs.index().bytes());
            }
        });
    }

    private String digestOf(String name, String tag) {
        return registry.digestOf("t/" + name, tag).orElse("nothing");
    }

    @Test
    void aChildBelowAnUntaggedParentIsCheckedAgainstTheNearestTaggedImageAbove() throws Exception {
        rootMovedRightAfterOurWrite("t/root");

        Map<String, List<String>> tags = new TagImagesStep(client, chain(), indexes(), this::listen).call();

        assertThat(digestOf("root", "r")).isEqualTo(theirs.digest().toString());
        assertThat(registry.tags("t/leaf")).doesNotContain("l");
        List<String> left = infos.stream().filter(m -> m.contains("left to another build")).toList();
        assertThat(left).hasSize(1);
        assertThat(left.get(0)).startsWith("tags of leaf and of the images built on it left to another build: "
                + registry.host() + "/t/root:r names " + theirs.digest() + ", not this build's " + ours.get("root").digest());
        assertThat(tags.get("root")).isEmpty();
        assertThat(tags.get("leaf")).isEmpty();
    }

    @Test
    void aRootMovedBetweenTheCheckAndTheWriteBelowAnUntaggedParentIsNoticedAndTheSetWrittenAgain() throws Exception {
        AtomicInteger puts = new AtomicInteger();
        // the leaf's write lands right after another build moved the root: the check passed, the set is mixed
        registry.override("/v2/t/leaf/manifests/l", exchange -> {
            if (exchange.getRequestMethod().equals("PUT") && puts.incrementAndGet() == 1) {
                registry.putManifest("t/root", "r", MediaTypes.OCI_INDEX, theirs.index().bytes());
            }
            registry.answer(exchange);
        });

        Map<String, List<String>> tags = new TagImagesStep(client, chain(), indexes(), this::listen).call();

        List<String> again = infos.stream().filter(m -> m.endsWith("; tagging again")).toList();
        assertThat(again).hasSize(1);
        assertThat(again.get(0)).startsWith(registry.host() + "/t/leaf:l names this build's image, built on "
                + registry.host() + "/t/root@" + ours.get("root").digest() + " (through untagged images), but "
                + registry.host() + "/t/root:r names " + theirs.digest());
        assertThat(digestOf("root", "r")).isEqualTo(ours.get("root").digest().toString());
        assertThat(digestOf("leaf", "l")).isEqualTo(ours.get("leaf").digest().toString());
        assertThat(tags.get("root")).containsExactly(registry.host() + "/t/root:r");
        assertThat(tags.get("leaf")).containsExactly(registry.host() + "/t/leaf:l");
    }

    @Test
    void grockerIndexChecksTheParentTagBeforeEachWriteLikeABuild() throws Exception {
        rootMovedRightAfterOurWrite("t/root");
        Path result = dir.resolve("amd64.json");
        Files.writeString(result, """
                {"spec": "chain.yaml", "pushed": true, "images": [
                  %s,
                  %s,
                  %s
                ]}
                """.formatted(image("root", null, "r"), image("mid", "root", null), image("leaf", "mid", "l")));

        BuildResult merged = new IndexAssembler(client, this::listen).assemble(List.of(result));

        assertThat(registry.tags("t/leaf")).doesNotContain("l");
        assertThat(infos).filteredOn(m -> m.contains("left to another build")).singleElement().asString()
                .startsWith("tags of " + registry.host() + "/t/leaf and of the images built on it left to another build: "
                        + registry.host() + "/t/root:r names " + theirs.digest());
        assertThat(merged.images()).extracting(BuildResult.ImageResult::name).containsExactly("root", "mid", "leaf");
        assertThat(merged.images().get(2).tags()).isEmpty();
    }

    /** One image of a per-platform result (linux/amd64), as {@code grocker base --push --no-tag} writes it. */
    private String image(String name, String parent, String tag) throws Exception {
        ImageReference repository = repository(name);
        String amd64 = ours.get(name).children().get(0).digest().toString();
        return """
                {"name": "%s", "repository": "%s", "parent": %s, "status": "built", "tags": [%s],
                 "platforms": [{"platform": "%s", "digest": "%s", "key": "k-%s", "status": "built", "reason": "r"}]}
                """.formatted(name, repository.name(), parent == null ? "null" : "\"" + parent + "\"",
                tag == null ? "" : "\"" + repository.name() + ":" + tag + "\"", Platform.LINUX_AMD64, amd64, name);
    }
}

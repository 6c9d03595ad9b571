package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.docker.BuildRequest;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.docker.ContainerResult;
import io.jenkins.plugins.grocker.docker.EngineInfo;
import io.jenkins.plugins.grocker.docker.ImageDetails;
import io.jenkins.plugins.grocker.docker.RegistryAuth;
import io.jenkins.plugins.grocker.docker.RunRequest;
import io.jenkins.plugins.grocker.dockerfile.BuildContext;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A failed build step's last lines travel with the failure, without the builder's colour escapes. */
class BuildImageStepTest {
    /** An engine whose builds print these lines, then fail the way the classic builder does. */
    private static ContainerEngine failingWith(List<String> lines) {
        return new ContainerEngine() {
            public String endpoint() {
                return "test";
            }

            public EngineInfo info() {
                throw new UnsupportedOperationException();
            }

            public String build(BuildRequest request, Consumer<String> output) throws EngineException {
                lines.forEach(output);
                throw new EngineException("build of x for linux/amd64 failed: The command '/usr/local/lib/grocker/apt-install netcat' "
                        + "returned a non-zero code: 100");
            }

            public Optional<ImageDetails> inspect(String imageRefOrId) {
                return Optional.empty();
            }

            public void tag(String imageId, ImageReference target) {}

            public String push(ImageReference target, RegistryAuth auth, Consumer<String> output) {
                return null;
            }

            public ContainerResult run(RunRequest request, Path input, String outputPath, Path output, Consumer<String> l) {
                throw new UnsupportedOperationException();
            }

            @Override
            public io.jenkins.plugins.grocker.docker.ImageFiles files(String imageId) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void theLastLinesOfTheFailedStepComeWithTheFailure() throws Exception {
        List<String> printed = new ArrayList<>(List.of("Step 1/5 : FROM debian", " ---> 0123", "Step 5/5 : RUN apt-install netcat"));
        for (int i = 0; i < 30; i++) {
            printed.add("Get:" + i + " http://deb.debian.org/debian bookworm InRelease");
        }
        printed.add("\u001b[91mgrocker: field 'packages': apt package(s) virtual\u001b[0m");
        List<String> seen = new ArrayList<>();
        BuildImageStep step = new BuildImageStep(failingWith(printed), BuildContext.builder("FROM debian\n").build(),
                Platform.LINUX_AMD64, ImageReference.parse("r:5000/x:gk-1"), Map.of(), "host", seen::add);
        assertThatThrownBy(step::call).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.details()).hasSize(BuildImageStep.TAIL_LINES);
            assertThat(e.details().get(e.details().size() - 1)).isEqualTo("grocker: field 'packages': apt package(s) virtual");
            assertThat(e.details()).noneMatch(l -> l.startsWith("Step 1/5") || l.startsWith(" ---> "));
        });
        assertThat(seen).contains("grocker: field 'packages': apt package(s) virtual");
    }
}

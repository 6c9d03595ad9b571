package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.wheels.Wheelhouse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the application's bases must offer, decided from what {@link InspectBaseStep} found, and the compiler's identity. */
class AppTargetsTest {
    private static final String BASE = "127.0.0.1:5000/flowcore/flowcore:3.11";

    private static AppSpec app(String image) throws Exception {
        return AppSpec.builder().file(Path.of("app.yaml")).source(Path.of("src")).base(ImageReference.parse(BASE))
                .image(ImageReference.parse(image)).venv(AppSpec.INHERIT_VENV).build();
    }

    private static InspectBaseStep.Facts facts(String python, boolean venvModule, String venv, boolean found, Map<String, String> dists) {
        return new InspectBaseStep.Facts(Platform.LINUX_AMD64, BASE + "@sha256:" + "a".repeat(64), null, python, venvModule, venv, found, dists);
    }

    private static Wheelhouse.PlatformWheels wheels(String... files) {
        return new Wheelhouse.PlatformWheels("linux-amd64", "cp311", "sha256:c", "k", "k2", files[0],
                java.util.Arrays.stream(files).map(f -> new Wheelhouse.WheelFile(f, "0", 1, Wheelhouse.Source.BUILT)).toList());
    }

    @Test
    void aBaseNeedsPython3WithVenvAndTheWheelsPython() throws Exception {
        BuildTarget.Base.External base = AppTargets.base(app("r:5000/apps/a"));
        assertThatThrownBy(() -> AppTargets.requirePython(base, facts(null, false, null, false, Map.of()), null))
                .isInstanceOf(InputException.class).hasMessageStartingWith("app.yaml: field 'base': " + BASE + " (linux/amd64) has no python3");
        assertThatThrownBy(() -> AppTargets.requirePython(base, facts("3.11", false, null, false, Map.of()), null))
                .hasMessageContaining("has python3 3.11 without the venv module");
        assertThatThrownBy(() -> AppTargets.requirePython(base, facts("3.11", true, null, false, Map.of()), "cp312"))
                .hasMessageContaining("has python3 3.11 but the wheels were compiled for cp312");
        assertThatCode(() -> AppTargets.requirePython(base, facts("3.11", true, null, false, Map.of()), "cp311")).doesNotThrowAnyException();
    }

    @Test
    void anInheritedVenvMustExistAndHoldNoOtherVersionOfAWheel() throws Exception {
        AppSpec app = app("r:5000/apps/a");
        Wheelhouse.PlatformWheels wheels = wheels("app-1.0-py3-none-any.whl", "Base_Lib-2.0.0-py3-none-any.whl", "same-1.0-py3-none-any.whl");
        assertThatThrownBy(() -> AppTargets.checkInheritedVenv(app, facts("3.11", true, null, false, Map.of()), wheels))
                .hasMessageContaining("field 'venv': inherit: " + BASE + " (linux/amd64) has no virtual environment (no VIRTUAL_ENV");
        assertThatThrownBy(() -> AppTargets.checkInheritedVenv(app, facts("3.11", true, "/code/venv", false, Map.of()), wheels))
                .hasMessageContaining("says VIRTUAL_ENV=/code/venv but has no /code/venv/bin/python");
        assertThatThrownBy(() -> AppTargets.checkInheritedVenv(app, facts("3.11", true, "/code/venv", true,
                Map.of("base-lib", "1.0.0", "same", "1.0")), wheels))
                .hasMessageEndingWith("the wheelhouse conflicts with the base's distributions: base-lib 2.0.0 (the base's /code/venv has 1.0.0);"
                        + " pin the base's versions in 'constraints' and compile again");
        // the same version as the base's is no conflict
        assertThatCode(() -> AppTargets.checkInheritedVenv(app, facts("3.11", true, "/code/venv", true, Map.of("same", "1.0")), wheels))
                .doesNotThrowAnyException();
    }

    @Test
    void theCompilerIsTheSameForEveryApplicationOnABase() throws Exception {
        BuildTarget one = AppTargets.compiler(app("r:5000/apps/one"), List.of(Platform.LINUX_AMD64));
        BuildTarget two = AppTargets.compiler(app("r:5000/otherteam/two"), List.of(Platform.LINUX_AMD64));
        assertThat(one.name()).isEqualTo(two.name()).isEqualTo("compiler");
        assertThat(one.repository()).isEqualTo(two.repository());
        assertThat(one.repository().name()).isEqualTo("127.0.0.1:5000/flowcore/flowcore-compiler");
        String from = BASE.replace(":3.11", "") + "@sha256:" + "a".repeat(64);
        assertThat(one.recipe().render(Platform.LINUX_AMD64, from).digests())
                .isEqualTo(two.recipe().render(Platform.LINUX_AMD64, from).digests());
    }
}

package io.jenkins.plugins.grocker.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.SpecLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildGraphTest {
    private static HierarchySpec spec(String images) throws Exception {
        return new SpecLoader(Map.of()).parse(Path.of("stack.yaml"), "registry: r:5000\nimages:\n" + images);
    }

    @Test
    void parentsComeFirstAndSiblingsShareALevel() throws Exception {
        // Written children-first on purpose: the order of the file does not matter.
        BuildGraph graph = BuildGraph.of(spec("""
                  - {name: fastapi-base, parent: kafka-python-base}
                  - {name: java-base, parent: base}
                  - {name: kafka-python-base, parent: python-base}
                  - {name: python-base, parent: base}
                  - {name: base, from: debian}
                  - {name: other-root, from: debian}
                """));
        assertThat(graph.levels()).containsExactly(
                List.of("base", "other-root"),
                List.of("java-base", "python-base"),
                List.of("kafka-python-base"),
                List.of("fastapi-base"));
        List<String> order = graph.order();
        assertThat(order.indexOf("base")).isLessThan(order.indexOf("python-base"));
        assertThat(order.indexOf("python-base")).isLessThan(order.indexOf("kafka-python-base"));
        assertThat(graph.descendants("python-base")).containsExactly("kafka-python-base", "fastapi-base");
        assertThat(graph.descendants("base")).containsExactlyInAnyOrder("java-base", "python-base",
                "kafka-python-base", "fastapi-base");
        assertThat(graph.children("base")).containsExactly("java-base", "python-base");
        assertThat(graph.edges()).contains("base (from debian)", "python-base -> kafka-python-base");
    }

    @Test
    void cycleIsAnInputError() throws Exception {
        HierarchySpec spec = spec("""
                  - {name: root, from: debian}
                  - {name: a, parent: c}
                  - {name: b, parent: a}
                  - {name: c, parent: b}
                """);
        assertThatThrownBy(() -> BuildGraph.of(spec))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("stack.yaml: image '")
                .hasMessageContaining("field 'parent'")
                .hasMessageContaining("cycle")
                .hasMessageMatching(".*(a -> c -> b -> a|c -> b -> a -> c|b -> a -> c -> b).*");
    }

    @Test
    void selfParentIsACycle() throws Exception {
        HierarchySpec spec = spec("  - {name: a, parent: a}\n");
        assertThatThrownBy(() -> BuildGraph.of(spec)).hasMessageContaining("a -> a");
    }
}

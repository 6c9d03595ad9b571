package io.jenkins.plugins.grocker.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CacheKeyTest {
    private static CacheKey key(String platform, String dockerfile, String engine) {
        return CacheKey.builder().put("platform", platform).put("context:Dockerfile", dockerfile).put("engine", engine).build();
    }

    @Test
    void sameInputsSameKeyWhateverTheOrder() {
        CacheKey a = key("linux/amd64", "FROM x", "20.10");
        CacheKey b = CacheKey.builder().put("engine", "20.10").put("context:Dockerfile", "FROM x").put("platform", "linux/amd64").build();
        assertThat(a).isEqualTo(b);
        assertThat(a.hex()).hasSize(64).matches("[0-9a-f]+");
        assertThat(a.tag()).isEqualTo("gk-" + a.hex());
        assertThat(a.shortForm()).hasSize(12);
    }

    @Test
    void anyChangeGivesANewKey() {
        CacheKey base = key("linux/amd64", "FROM x", "20.10");
        assertThat(key("linux/arm64", "FROM x", "20.10")).isNotEqualTo(base);
        assertThat(key("linux/amd64", "FROM y", "20.10")).isNotEqualTo(base);
        assertThat(key("linux/amd64", "FROM x", "24.0")).isNotEqualTo(base);
        assertThat(CacheKey.builder().put("platform", "linux/amd64").put("context:Dockerfile", "FROM x").build())
                .isNotEqualTo(base);
    }

    @Test
    void boundariesBetweenInputsMatter() {
        CacheKey ab = CacheKey.builder().put("a", "bc").put("b", "").build();
        CacheKey abc = CacheKey.builder().put("a", "b").put("b", "c").build();
        assertThat(ab).isNotEqualTo(abc);
    }

    @Test
    void anInputCannotBeGivenTwice() {
        assertThatThrownBy(() -> CacheKey.builder().put("a", "1").put("a", "2")).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.jenkins.plugins.grocker.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {
    @Test
    void parsesABearerChallenge() {
        List<Challenge> challenges = Challenge.parse(List.of(
                "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:a/b:pull,push\""));

        assertThat(challenges).containsExactly(new Challenge("bearer", Map.of(
                "realm", "https://auth.example.com/token",
                "service", "registry.example.com",
                "scope", "repository:a/b:pull,push")));
    }

    @Test
    void parsesBasicAndUnquotedValuesAndSeveralChallenges() {
        List<Challenge> challenges = Challenge.parse(List.of("Basic realm=Registry", "Bearer realm=\"x\", error=\"insufficient_scope\", Basic realm=\"y\""));

        assertThat(challenges).extracting(Challenge::scheme).containsExactly("basic", "bearer", "basic");
        assertThat(challenges.get(0).param("realm")).isEqualTo("Registry");
        assertThat(challenges.get(1).param("error")).isEqualTo("insufficient_scope");
        assertThat(challenges.get(2).param("realm")).isEqualTo("y");
    }

    @Test
    void toleratesOddInput() {
        assertThat(Challenge.parse(List.of("", " , ", "=x", "Bearer realm=\"unterminated"))).extracting(Challenge::scheme)
                .contains("bearer");
    }
}

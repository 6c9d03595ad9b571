package io.jenkins.plugins.grocker.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandWordsTest {
    @Test
    void splitsLikeAShellWithoutRunningOne() {
        assertThat(CommandWords.split("gunicorn --bind 0.0.0.0:5000  app:app")).containsExactly("gunicorn", "--bind", "0.0.0.0:5000", "app:app");
        assertThat(CommandWords.split("python3 -c 'import sys; print(sys.argv[1:])' \"two words\" a\\ b ''"))
                .containsExactly("python3", "-c", "import sys; print(sys.argv[1:])", "two words", "a b", "");
        assertThat(CommandWords.split("echo \"say \\\"hi\\\" \\\\ \\x\"")).containsExactly("echo", "say \"hi\" \\ \\x");
        // nothing a shell would do happens: these are plain characters
        assertThat(CommandWords.split("a;b | c > d && `e` *")).containsExactly("a;b", "|", "c", ">", "d", "&&", "`e`", "*");
    }

    @Test
    void referencesStayForTheStartLiteralDollarsAreDoubled() {
        assertThat(CommandWords.split("run --interval $INTERVAL --name ${APP_NAME} --env ${ENV:-prod} --cost $$5"))
                .containsExactly("run", "--interval", "$INTERVAL", "--name", "${APP_NAME}", "--env", "${ENV:-prod}", "--cost", "$$5");
        assertThat(CommandWords.split("echo '$HOME' \"$HOME\" \\$HOME \"\\$HOME\""))
                .containsExactly("echo", "$$HOME", "$HOME", "$$HOME", "$$HOME");
        assertThat(CommandWords.split("echo x$A/y")).containsExactly("echo", "x$A/y");
    }

    @Test
    void refusesWhatItCannotSplit() {
        assertThatThrownBy(() -> CommandWords.split("echo 'open")).hasMessageContaining("unterminated single quote");
        assertThatThrownBy(() -> CommandWords.split("echo \"open")).hasMessageContaining("unterminated double quote");
        assertThatThrownBy(() -> CommandWords.split("echo \\")).hasMessageContaining("backslash");
        assertThatThrownBy(() -> CommandWords.split("   ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> CommandWords.split("echo $(id)")).hasMessageContaining("a $ must be followed by a name");
        assertThatThrownBy(() -> CommandWords.split("echo ${1}")).hasMessageContaining("a $ must be followed by a name");
        assertThatThrownBy(() -> CommandWords.split("echo \"${A\"")).hasMessageContaining("a $ must be followed by a name");
    }

    @Test
    void literalWordsDoubleEveryDollarAndAreCheckedAsValid() {
        assertThat(CommandWords.literal(List.of("sh", "-c", "echo $HOME $(id)"))).containsExactly("sh", "-c", "echo $$HOME $$(id)");
        CommandWords.checkReferences("$$(id) ${A:-x y} $B");
        assertThatThrownBy(() -> CommandWords.checkReferences("$(id)")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommandWords.checkReferences("cost $")).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.jenkins.plugins.grocker.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
    @Test
    void joinsPiecesIntoLinesAndDropsBlankOnes() {
        List<String> lines = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(lines::add);

        splitter.accept("Step 1/2 : FROM scratch\n ---> \n");
        splitter.accept("Collecting ap");
        splitter.accept("p==1.0\r\n\n");
        splitter.accept("no newline at the end");
        splitter.flush();

        assertThat(lines).containsExactly("Step 1/2 : FROM scratch", " --->", "Collecting app==1.0", "no newline at the end");
    }

    @Test
    void wholeLineFlushesWhatWasPending() {
        List<String> lines = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(lines::add);

        splitter.accept("partial");
        splitter.line("abc: Pushed");

        assertThat(lines).containsExactly("partial", "abc: Pushed");
    }

    @Test
    void nullOutputIsAllowed() {
        new LineSplitter(null).accept("x\n");
    }
}

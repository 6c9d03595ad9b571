package io.jenkins.plugins.grocker.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus of hostile and careless specs of issue 10: each is refused before anything is built, with one line
 * naming the file, the image and the field (exit code 2), and quickly.
 */
class SpecHostileInputTest {
    @TempDir
    Path dir;

    private static final String HEAD = """
            registry: 127.0.0.1:5000/t
            images:
              - name: base
                from: 127.0.0.1:5000/debian:bookworm
            """;

    private Path write(String text) throws IOException {
        Path specDir = dir.resolve("spec");
        Files.createDirectories(specDir);
        Path file = specDir.resolve("spec.yaml");
        Files.writeString(file, text);
        return file;
    }

    private String errorOf(String text) throws IOException {
        return errorOf(text, Map.of());
    }

    private String errorOf(String text, Map<String, String> env) throws IOException {
        Path file = write(text);
        try {
            new SpecLoader(env).load(file);
        } catch (InputException e) {
            assertThat(e.exitCode()).isEqualTo(2);
            assertThat(e.getMessage()).doesNotContain("\n").startsWith(file + ": ");
            return e.getMessage();
        }
        throw new AssertionError("no error for:\n" + text);
    }

    private HierarchySpec load(String text, Map<String, String> env) throws Exception {
        return new SpecLoader(env).load(write(text));
    }

    @Test
    void filesCannotLeaveTheSpecsDirectory() throws Exception {
        assertThat(errorOf(HEAD + "    files: [{src: ../../../../../../etc/passwd, dest: /tmp/p}]\n"))
                .contains("image 'base': field 'files[0].src': '../../../../../../etc/passwd' is outside the spec's directory");
        assertThat(errorOf(HEAD + "    files: [{src: /etc/passwd, dest: /tmp/p}]\n"))
                .contains("field 'files[0].src': '/etc/passwd' is outside the spec's directory");
        // A symbolic link next to the spec that points outside is followed, then refused.
        Files.createDirectories(dir.resolve("spec"));
        Files.createSymbolicLink(dir.resolve("spec/innocent.txt"), Path.of("/etc/passwd"));
        assertThat(errorOf(HEAD + "    files: [{src: innocent.txt, dest: /tmp/p}]\n"))
                .contains("field 'files[0].src': 'innocent.txt' is outside the spec's directory", "(it resolves to /etc/passwd)");
        // A linked directory too.
        Files.createSymbolicLink(dir.resolve("spec/etc"), Path.of("/etc"));
        assertThat(errorOf(HEAD + "    files: [{src: etc/hostname, dest: /tmp/p}]\n")).contains("field 'files[0].src'", "outside");
        assertThat(errorOf(HEAD + "    python: {venv: /v, packages: [a], findLinks: [/w], requirements: /etc/hostname}\n"))
                .contains("field 'python.requirements': '/etc/hostname' is outside");
        assertThat(errorOf(HEAD + "    entrypoint: {templates: [{src: /etc/hostname, dest: /config/x}]}\n"))
                .contains("field 'entrypoint.templates[0].src'", "outside");
        assertThat(errorOf("""
                registry: r:5000/t
                images:
                  - name: os
                    from: scratch
                    rootfs: {linux/amd64: /etc/hostname}
                """)).contains("image 'os': field 'rootfs.linux/amd64': '/etc/hostname' is outside");
    }

    @Test
    void whoeverRunsGrockerMayAllowAnotherDirectory() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("archives"));
        Files.writeString(outside.resolve("a.txt"), "a");
        String spec = HEAD + "    files: [{src: \"${ARCHIVES}/a.txt\", dest: /a.txt}]\n";
        assertThat(errorOf(spec, Map.of("ARCHIVES", outside.toString()))).contains("outside the spec's directory");
        HierarchySpec loaded = load(spec, Map.of("ARCHIVES", outside.toString(), "GROCKER_ALLOWED_PATHS", "/nonexistent:" + outside));
        assertThat(loaded.images().get(0).files().get(0).source()).isEqualTo(outside.resolve("a.txt").toRealPath());
    }

    @Test
    void imagePathsMustBeCleanAndNotTheRoot() throws Exception {
        assertThat(errorOf(HEAD + "    dirs: ['/']\n")).contains("field 'dirs[0]': '/' is the root directory");
        assertThat(errorOf(HEAD + "    dirs: ['//']\n")).contains("field 'dirs[0]'", "root directory");
        assertThat(errorOf(HEAD + "    dirs: [/var/../../etc/x]\n")).contains("field 'dirs[0]': '/var/../../etc/x' has a '..' segment");
        assertThat(errorOf(HEAD + "    dirs: [{path: /a/./b}]\n")).contains("field 'dirs[0].path'", "'.' segment");
        assertThat(errorOf(HEAD + "    volumes: [/]\n")).contains("field 'volumes[0]'", "root directory");
        assertThat(errorOf(HEAD + "    workdir: /app/..\n")).contains("field 'workdir'", "'..' segment");
        Files.createDirectories(dir.resolve("spec"));
        Files.writeString(dir.resolve("spec/f"), "x");
        assertThat(errorOf(HEAD + "    files: [{src: f, dest: /usr/../../etc/shadow}]\n")).contains("field 'files[0].dest'", "'..'");
        assertThat(errorOf(HEAD + "    files: [{src: f, dest: \"/a\\nb\"}]\n")).contains("field 'files[0].dest'", "control characters");
    }

    @Test
    void localesAreCheckedAgainstGlibcAndShortNamesAreMapped() throws Exception {
        assertThat(errorOf(HEAD + "    locales: [en_US.UTF-8, xx_YY.UTF-8]\n"))
                .contains("image 'base': field 'locales[1]': 'xx_YY.UTF-8' is not a locale glibc supports");
        assertThat(errorOf(HEAD + "    locales: [fr_XX.UTF-8]\n")).contains("field 'locales[0]'", "(supported: fr_BE.UTF-8");
        HierarchySpec spec = load(HEAD + "    locales: [en_US.UTF-8, fr.UTF-8, de.UTF-8, tr.UTF-8, ja.UTF-8, ko.UTF-8, zh_TW.UTF-8]\n", Map.of());
        assertThat(spec.images().get(0).locales())
                .containsExactly("en_US.UTF-8", "fr_FR.UTF-8", "de_DE.UTF-8", "tr_TR.UTF-8", "ja_JP.UTF-8", "ko_KR.UTF-8", "zh_TW.UTF-8");
        assertThat(spec.notes()).hasSize(5).first().asString()
                .endsWith("image 'base': field 'locales[1]': 'fr.UTF-8' is taken as fr_FR.UTF-8");
        assertThat(errorOf(HEAD + "    locales: [fr.UTF-8, fr_FR.UTF-8]\n")).contains("field 'locales[1]'", "listed already");
    }

    @Test
    void healthcheckDurationsStayWithinDockersRange() throws Exception {
        assertThat(errorOf(HEAD + "    healthcheck: {command: [true], interval: 0s}\n"))
                .contains("field 'healthcheck.interval': '0s' is shorter than Docker's minimum of 1ms");
        assertThat(errorOf(HEAD + "    healthcheck: {command: [true], timeout: 500us}\n")).contains("field 'healthcheck.timeout'", "minimum");
        assertThat(errorOf(HEAD + "    healthcheck: {command: [true], startPeriod: 3000000h}\n"))
                .contains("field 'healthcheck.startPeriod': '3000000h' is beyond Docker's range");
        assertThat(load(HEAD + "    healthcheck: {command: [true], interval: 1ms, timeout: 2562047h}\n", Map.of())
                .images().get(0).healthcheck().interval()).isEqualTo("1ms");
    }

    @Test
    void aliasesAreExpandedWithABound() throws Exception {
        HierarchySpec spec = load("""
                registry: 127.0.0.1:5000/t
                common: &common {workdir: /app, env: {TZ: UTC}}
                images:
                  - name: base
                    from: 127.0.0.1:5000/debian:bookworm
                    workdir: &w /srv
                    dirs: [*w]
                  - name: child
                    parent: base
                    <<: *common
                    env: {LANG: C.UTF-8}
                """.replace("common: &common {workdir: /app, env: {TZ: UTC}}\n", "")
                .replace("registry: 127.0.0.1:5000/t\n", "registry: 127.0.0.1:5000/t\nplatforms: &p [linux/amd64]\n")
                .replace("    <<: *common\n", "    <<: {workdir: /app, env: {TZ: UTC}, platforms: *p}\n"), Map.of());
        assertThat(spec.images().get(0).workdir()).isEqualTo("/srv");
        assertThat(spec.images().get(0).dirs()).extracting(DirSpec::path).containsExactly("/srv");
        assertThat(spec.images().get(1).workdir()).isEqualTo("/app");
        assertThat(spec.images().get(1).env()).containsExactly(Map.entry("LANG", "C.UTF-8"));

        assertThat(errorOf(HEAD + "    workdir: *nothing\n")).contains("line 5", "undefined alias nothing");
        assertThat(errorOf(HEAD + "    dirs: &loop [/a, *loop]\n")).contains("a recursive structure");

        StringBuilder laughs = new StringBuilder("registry: r:5000/t\nlol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            laughs.append("lol").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                laughs.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            }
            laughs.append("]\n");
        }
        long start = System.nanoTime();
        assertThat(errorOf(laughs.toString())).contains("expands to more than 100000 values");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.0);
    }

    @Test
    void oversizedSpecsAndValuesAreRefusedQuickly() throws Exception {
        Path big = dir.resolve("big.yaml");
        try (var out = Files.newBufferedWriter(big)) {
            out.write("registry: r:5000/t\nimages:\n  - name: base\n    from: debian\n    workdir: /");
            char[] chunk = new char[1 << 20];
            java.util.Arrays.fill(chunk, 'a');
            for (int i = 0; i < 50; i++) {
                out.write(chunk);
            }
            out.write("\n");
        }
        long start = System.nanoTime();
        try {
            new SpecLoader(Map.of()).load(big);
            throw new AssertionError("a 50 MB spec was accepted");
        } catch (InputException e) {
            assertThat(e.getMessage()).startsWith(big + ": spec file is 52428").contains("at most 1048576");
        }
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.0);

        String longValue = "/" + "a".repeat(200_000);
        start = System.nanoTime();
        assertThat(errorOf(HEAD + "    workdir: " + longValue + "\n")).contains("line 5", "a value of 200001 characters (at most 65536)");
        assertThat(errorOf(HEAD + "    env: {A: \"${BIG}${BIG}\"}\n", Map.of("BIG", "x".repeat(40_000))))
                .contains("field 'env.A': is 80000 characters long once variables are expanded");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.0);
    }

    @Test
    void requirementsFilesAreReadAloneAndOwnersMustBeKnown() throws Exception {
        Files.createDirectories(dir.resolve("spec"));
        Files.writeString(dir.resolve("spec/requirements.txt"), "numpy\n-r other.txt\n");
        assertThat(errorOf(HEAD + "    python: {venv: /v, findLinks: [/w], requirements: requirements.txt}\n"))
                .contains("field 'python.requirements': requirements.txt line 2: '-r' includes another file");
        Files.writeString(dir.resolve("spec/requirements.txt"), "numpy==1.24\n# comment\n");
        assertThat(load(HEAD + "    python: {venv: /v, findLinks: [/w], requirements: requirements.txt}\n", Map.of())
                .images().get(0).python().requirements()).isEqualTo(dir.resolve("spec/requirements.txt").toRealPath());

        Files.createDirectories(dir.resolve("spec/app"));
        assertThat(errorOf(HEAD + "    user: {name: shusr, uid: 1000}\n    files: [{src: app, dest: /opt/app, owner: postgres}]\n"))
                .contains("field 'files[0].owner': 'postgres' is not the image's user (shusr)");
        assertThat(errorOf(HEAD + "    dirs: [{path: /x, owner: 'a:b:c'}]\n")).contains("field 'dirs[0].owner'");
        assertThat(errorOf(HEAD + "    dirs: [{path: /x, mode: '999'}]\n")).contains("field 'dirs[0].mode': '999' is not an octal mode");
        HierarchySpec spec = load(HEAD + "    user: {name: shusr, uid: 1000}\n"
                + "    files: [{src: app, dest: /opt/app, owner: shusr, mode: '0640'}]\n"
                + "    dirs: [/a, {path: /b, owner: root, mode: '0700'}, {path: /c, owner: '7:8'}]\n"
                + "  - name: child\n    parent: base\n    dirs: [{path: /d, owner: shusr}]\n", Map.of());
        ImageSpec base = spec.images().get(0);
        assertThat(base.files().get(0)).extracting(FileSpec::owner, FileSpec::mode, FileSpec::kind)
                .containsExactly("1000:1000", 0640, FileSpec.Kind.DIRECTORY);
        assertThat(base.dirs()).containsExactly(DirSpec.of("/a"), new DirSpec("/b", "0:0", 0700), new DirSpec("/c", "7:8", null));
        assertThat(spec.images().get(1).dirs()).containsExactly(new DirSpec("/d", "1000:1000", null));
    }

    @Test
    void entrypointsNameServicesOfTheirLineage() throws Exception {
        assertThat(errorOf(HEAD + "    entrypoint: {services: {pg: [postgres]}, default: pgg}\n"))
                .contains("field 'entrypoint.default': 'pgg' is not a service of this image or its parents [pg]");
        assertThat(errorOf(HEAD + "    entrypoint: {requiredEnv: [A-B]}\n")).contains("field 'entrypoint.requiredEnv[0]'");
        assertThat(errorOf(HEAD + "    entrypoint: {clear: [everything]}\n")).contains("field 'entrypoint.clear[0]'");
        assertThat(errorOf(HEAD + "    entrypoint: {servces: {}}\n")).contains("field 'entrypoint.servces': unknown field (did you mean 'services'?)");
        HierarchySpec spec = load(HEAD + "    entrypoint: {services: {pg: [postgres]}, requiredEnv: [A]}\n"
                + "  - name: child\n    parent: base\n    entrypoint: {default: pg, serviceEnv: {pg: [B]}, prestart: [[init, x], \"echo $$HOME\"]}\n",
                Map.of());
        EntrypointSpec child = spec.images().get(1).entrypoint();
        assertThat(child.defaultService()).isEqualTo("pg");
        assertThat(child.prestart()).containsExactly(java.util.List.of("init", "x"), "echo $HOME");
        assertThat(spec.inheritsEntrypoint(spec.images().get(1))).isTrue();
        assertThat(spec.inheritsEntrypoint(spec.images().get(0))).isFalse();
        assertThat(errorOf(HEAD + "    entrypoint: {services: {pg: [postgres]}}\n"
                + "  - name: child\n    parent: base\n    entrypoint: {clear: [services], default: pg}\n"))
                .contains("image 'child': field 'entrypoint.default': 'pg' is not a service");
    }

    @Test
    void variantsAreChildrenInTheSameRepository() throws Exception {
        HierarchySpec spec = load("""
                registry: 127.0.0.1:5000/fractal
                images:
                  - name: fractal-app
                    from: 127.0.0.1:5000/debian:bookworm
                    tags: ["1.0", latest]
                    variants:
                      dev: {packages: [jupyter-notebook], cmd: [jupyter, notebook]}
                      prod: {env: {STREAMLIT_SERVER_HEADLESS: "true"}, tags: [production]}
                """, Map.of());
        assertThat(spec.images()).extracting(ImageSpec::name).containsExactly("fractal-app", "fractal-app:dev", "fractal-app:prod");
        ImageSpec dev = spec.images().get(1);
        ImageSpec prod = spec.images().get(2);
        assertThat(spec.images().get(0).tags()).isEmpty();
        assertThat(dev.parent()).isEqualTo("fractal-app");
        assertThat(dev.tags()).containsExactly("1.0-dev", "latest-dev");
        assertThat(prod.tags()).containsExactly("1.0-prod", "latest-prod", "production");
        assertThat(spec.repository(dev)).isEqualTo("127.0.0.1:5000/fractal/fractal-app");
        assertThat(spec.repository(prod)).isEqualTo(spec.repository(spec.images().get(0)));
        assertThat(errorOf(HEAD + "    variants: {Dev: {}}\n")).contains("field 'variants.Dev': 'Dev' is not a variant name");
        assertThat(errorOf(HEAD + "    variants: {dev: {from: x}}\n")).contains("field 'variants.dev.from': unknown field");
        assertThat(errorOf(HEAD + "    variants: []\n")).contains("field 'variants'");
    }

    @Test
    void pythonIndexSettingsAreInherited() throws Exception {
        HierarchySpec spec = load("""
                registry: 127.0.0.1:5000/loom
                images:
                  - name: python-base
                    from: 127.0.0.1:5000/debian:bookworm
                    python: {interpreter: apt, venv: /app/.venv, indexUrl: "http://127.0.0.1:8080/simple", trustedHosts: [127.0.0.1],
                             findLinks: [/usr/share/python-wheels]}
                  - name: kafka-python-base
                    parent: python-base
                    python: {packages: [aiokafka]}
                  - name: other
                    parent: python-base
                    python: {packages: [x], indexUrl: "http://127.0.0.1:9090/simple"}
                """, Map.of());
        PythonSpec kafka = spec.effectivePython(spec.images().get(1));
        assertThat(kafka.indexUrl()).isEqualTo("http://127.0.0.1:8080/simple");
        assertThat(kafka.trustedHosts()).containsExactly("127.0.0.1");
        assertThat(kafka.findLinks()).containsExactly("/usr/share/python-wheels");
        PythonSpec other = spec.effectivePython(spec.images().get(2));
        assertThat(other.indexUrl()).isEqualTo("http://127.0.0.1:9090/simple");
        assertThat(other.trustedHosts()).isEmpty();
    }
}

package io.jenkins.plugins.grocker.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.SpecLoader;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerfileRendererTest {
    private static final String FROM = "127.0.0.1:5000/debian@sha256:" + "b".repeat(64);

    @TempDir
    Path dir;

    private HierarchySpec spec(String text) throws Exception {
        Path file = dir.resolve("spec.yaml");
        Files.writeString(file, text);
        return new SpecLoader(Map.of()).load(file);
    }

    @Test
    void rendersEverySectionOfAFullImage() throws Exception {
        Files.writeString(dir.resolve("hc.py"), "print('ok')\n");
        HierarchySpec spec = spec("""
                registry: r:5000/fc
                version: "1.2"
                images:
                  - name: flowcore
                    from: debian
                    packages: [gcc, python3-wheel-whl]
                    locales: [fr_FR.UTF-8, en_US.UTF-8]
                    python: {interpreter: apt, version: "3.11", venv: /code/venv, findLinks: [/usr/share/python-wheels], packages: [wheel]}
                    user: {name: troc, uid: 1000, gid: 1001, sudo: true}
                    workdir: /code
                    dirs: [/var/log/troc]
                    env: {SITE_ROOT: /code, QUOTE: 'say "hi"'}
                    ports: ["5000"]
                    healthcheck: {command: [/hc], interval: 30s, retries: 2}
                    labels: {team: "a $b"}
                    files: [{src: hc.py, dest: /hc, mode: "0755"}]
                    cmd: [bash]
                """);
        BuildContext context = new DockerfileRenderer().render(spec, spec.images().get(0), Platform.LINUX_ARM64, FROM);
        String df = context.dockerfile();
        assertThat(df).startsWith("# Rendered by Grocker Pipeline for image flowcore on linux/arm64.");
        assertThat(df).contains("FROM " + FROM + "\n");
        assertThat(df).contains("USER root\n").contains("COPY grocker/ /usr/local/lib/grocker/\n");
        assertThat(df).contains("RUN [\"/usr/local/lib/grocker/apt-install\", \"python3\", \"python3-venv\", \"locales\", \"sudo\", \"gcc\", \"python3-wheel-whl\"]");
        assertThat(df).contains("RUN [\"/usr/local/lib/grocker/gen-locales\", \"fr_FR.UTF-8\", \"en_US.UTF-8\"]");
        assertThat(df).contains("ENV LANG=fr_FR.UTF-8 LANGUAGE=fr_FR:fr LC_ALL=fr_FR.UTF-8");
        assertThat(df).contains("RUN [\"/usr/local/lib/grocker/add-user\", \"troc\", \"1000\", \"1001\", \"yes\"]");
        assertThat(df).contains("RUN [\"/usr/local/lib/grocker/make-venv\", \"/code/venv\", \"1000:1001\", \"no\", \"3.11\"]");
        assertThat(df).contains("ENV VIRTUAL_ENV=/code/venv PATH=/code/venv/bin:$PATH");
        assertThat(df).contains("RUN [\"/usr/local/lib/grocker/pip-install\", \"/code/venv\", \"1000:1001\", \"--no-index\", \"--find-links\", \"/usr/share/python-wheels\", \"wheel\"]");
        assertThat(df).contains("COPY [\"files/0-hc.py\", \"/hc\"]");
        assertThat(df).contains("RUN [\"/usr/local/lib/grocker/make-dirs\", \"/var/log/troc\", \"1000:1001\", \"-\"]");
        assertThat(df).contains("ENV SITE_ROOT=\"/code\" QUOTE=\"say \\\"hi\\\"\"");
        assertThat(df).contains("WORKDIR /code\n");
        assertThat(df).contains("LABEL \"org.opencontainers.image.title\"=\"flowcore\" \"org.opencontainers.image.version\"=\"1.2\" \"team\"=\"a \\$b\"");
        assertThat(df).contains("EXPOSE 5000\n");
        assertThat(df).contains("HEALTHCHECK --interval=30s --retries=2 CMD [\"/hc\"]");
        assertThat(df).contains("CMD [\"bash\"]");
        assertThat(df).endsWith("USER 1000:1001\n");
        assertThat(df.indexOf("apt-install")).isLessThan(df.indexOf("gen-locales"));
        assertThat(df.indexOf("add-user")).isLessThan(df.indexOf("make-venv"));
        assertThat(context.entries()).extracting(BuildContext.Entry::path)
                .contains("Dockerfile", "files/0-hc.py", "grocker/apt-install", "grocker/make-venv");
        assertThat(context.entries()).filteredOn(e -> e.path().equals("grocker/apt-install"))
                .extracting(BuildContext.Entry::mode).containsExactly(0755);
    }

    @Test
    void aChildInheritsUserAndVenvAndRendersOnlyWhatItAdds() throws Exception {
        HierarchySpec spec = spec("""
                registry: r:5000/loom
                images:
                  - name: python-base
                    from: debian
                    python: {interpreter: apt, venv: /opt/venv, systemSitePackages: true}
                    user: {name: appuser, uid: 1000}
                  - name: kafka
                    parent: python-base
                    packages: [python3-kafka]
                    python: {packages: [kafka-tools], indexUrl: "http://127.0.0.1:8080/simple"}
                  - name: tagged-only
                    parent: python-base
                    env: {A: "1"}
                """);
        DockerfileRenderer renderer = new DockerfileRenderer();
        String kafka = renderer.render(spec, spec.images().get(1), Platform.LINUX_AMD64, "r:5000/loom/python-base@sha256:" + "c".repeat(64)).dockerfile();
        assertThat(kafka).contains("RUN [\"/usr/local/lib/grocker/apt-install\", \"python3-kafka\"]");
        assertThat(kafka).contains("\"/opt/venv\", \"1000:1000\", \"--index-url\", \"http://127.0.0.1:8080/simple\", \"kafka-tools\"");
        assertThat(kafka).doesNotContain("add-user").doesNotContain("make-venv");
        assertThat(kafka).endsWith("USER 1000:1000\n");
        String envOnly = renderer.render(spec, spec.images().get(2), Platform.LINUX_AMD64, "x@sha256:" + "c".repeat(64)).dockerfile();
        assertThat(envOnly).doesNotContain("USER root").doesNotContain("RUN ");
        assertThat(envOnly).contains("ENV A=\"1\"").endsWith("USER 1000:1000\n");
    }

    @Test
    void sameSpecRendersTheSameContextBytes() throws Exception {
        HierarchySpec spec = spec("registry: r:5000\nimages: [{name: a, from: debian, packages: [curl]}]\n");
        DockerfileRenderer renderer = new DockerfileRenderer();
        BuildContext one = renderer.render(spec, spec.images().get(0), Platform.LINUX_AMD64, FROM);
        BuildContext two = new DockerfileRenderer().render(spec, spec.images().get(0), Platform.LINUX_AMD64, FROM);
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        one.writeTar(a);
        two.writeTar(b);
        assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
        assertThat(one.digests()).isEqualTo(two.digests());
    }

    @Test
    void scratchImageAddsTheRootFilesystem() throws Exception {
        Files.write(dir.resolve("amd64.tar"), new byte[] {1, 2, 3});
        HierarchySpec spec = spec("registry: r:5000\nimages: [{name: debian, from: scratch, rootfs: {linux/amd64: amd64.tar}, cmd: [bash]}]\n");
        BuildContext context = new DockerfileRenderer().render(spec, spec.images().get(0), Platform.LINUX_AMD64, null);
        assertThat(context.dockerfile()).contains("FROM scratch\nADD rootfs.tar /\n").doesNotContain("USER");
        assertThat(context.entries()).extracting(BuildContext.Entry::path).containsExactly("Dockerfile", "rootfs.tar");
    }

    @Test
    void templateSections() {
        Template t = Template.of("t", "a\n{{#x}}\nx={{x}}\n{{/x}}\n{{#y}}\ny\n{{/y}}\nend\n");
        assertThat(t.render(Map.of("x", "1", "y", false))).isEqualTo("a\nx=1\nend\n");
        assertThat(t.render(Map.of("x", "", "y", true))).isEqualTo("a\ny\nend\n");
    }
}

package io.jenkins.plugins.grocker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.testing.DockerCli;
import io.jenkins.plugins.grocker.testing.TestEnvironment;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.GZIPOutputStream;
import javax.tools.ToolProvider;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/datalyptica, built as its document describes: the hierarchy in its build order (base, then base-java and
 * base-postgresql side by side, then the services), the root for linux/amd64 and linux/arm64, every image's
 * entrypoint validating its environment and rendering its configuration from it. PostgreSQL really starts, answers
 * and passes its health check; the upstream services (MinIO, Nessie, Trino, Spark) run small stand-ins made here.
 */
class DatalypticaIT {
    @TempDir
    Path dir;

    @Test
    void theHierarchyBuildsInOrderAndEveryImageBehavesAsItsDocumentSays() throws Exception {
        TestEnvironment t = TestEnvironment.get();
        Path archives = Files.createDirectories(dir.resolve("archives"));
        makeStandIns(archives);
        Map<String, String> env = Map.of(
                "GROCKER_ALLOWED_PATHS", t.rootfsDir + ":" + archives,
                "MINIO_BINARY", archives.resolve("minio").toString(),
                "NESSIE_JAR", archives.resolve("nessie-quarkus-runner.jar").toString(),
                "TRINO_ARCHIVE", archives.resolve("trino-server.tar.gz").toString(),
                "SPARK_ARCHIVE", archives.resolve("spark.tgz").toString());
        Path spec = t.root.resolve("examples/datalyptica/datalyptica.yaml");
        String repo = t.registry.host() + "/datalyptica/";

        // The plan shows the document's build order.
        TestEnvironment.Cli plan = t.cli(env, "plan", "--spec", spec.toString(), "--platform", "linux/amd64");
        assertThat(plan.code()).as(plan.err() + plan.out()).isZero();
        assertThat(plan.out()).contains("level 0: base\n", "level 1: base-postgresql, base-java, minio\n",
                "level 2: postgresql, patroni, nessie, trino, spark\n");

        long start = System.nanoTime();
        TestEnvironment.Cli build = t.cli(env, "base", "--spec", spec.toString(), "--platform", "linux/amd64");
        assertThat(build.code()).as(build.err() + build.out()).isZero();
        String out = build.out();
        assertThat(out.indexOf("[base linux/amd64] built")).isLessThan(out.indexOf("[base-java linux/amd64] building"))
                .isLessThan(out.indexOf("[base-postgresql linux/amd64] building"));
        assertThat(out.indexOf("[base-postgresql linux/amd64] built")).isLessThan(out.indexOf("[postgresql linux/amd64] building"))
                .isLessThan(out.indexOf("[patroni linux/amd64] building"));
        assertThat(out.indexOf("[base-java linux/amd64] built")).isLessThan(out.indexOf("[nessie linux/amd64] building"));
        // The two language bases are built side by side: each starts before the other ends.
        assertThat(out.indexOf("[base-java linux/amd64] building")).isLessThan(out.indexOf("[base-postgresql linux/amd64] built"));
        assertThat(out.indexOf("[base-postgresql linux/amd64] building")).isLessThan(out.indexOf("[base-java linux/amd64] built"));
        System.out.printf("DatalypticaIT: amd64 hierarchy built in %.0f s%n", (System.nanoTime() - start) / 1e9);

        // The root for both platforms: its amd64 image is reused, arm64 is built under emulation.
        String text = Files.readString(spec);
        Path rootOnly = dir.resolve("datalyptica-root.yaml");
        Files.writeString(rootOnly, text.substring(0, text.indexOf("\n  - name: base-postgresql")) + "\n");
        TestEnvironment.Cli root = t.cli(env, "base", "--spec", rootOnly.toString(), "--output-json", dir.resolve("root.json").toString());
        assertThat(root.code()).as(root.err() + root.out()).isZero();
        assertThat(root.out()).contains("[base linux/amd64] reusing", "[base linux/arm64] built");
        var platforms = t.registryClient.platforms(io.jenkins.plugins.grocker.image.ImageReference.parse(repo + "base:latest"));
        assertThat(platforms).containsOnlyKeys(Platform.LINUX_AMD64, Platform.LINUX_ARM64);
        try (DockerCli docker = new DockerCli()) {
            String arm = repo + "base@" + platforms.get(Platform.LINUX_ARM64).digest();
            DockerCli.Result id = docker.run("run", "--rm", arm, "sh", "-c", "uname -m; id");
            assertThat(id.code()).as(id.output()).isZero();
            assertThat(id.output()).contains("aarch64", "uid=1000(shusr) gid=1000(shusr)");

            // Every image is shusr 1000:1000 and `docker run IMAGE id` goes through the entrypoint.
            DockerCli.Result baseId = docker.run("run", "--rm", repo + "base:latest", "id");
            assertThat(baseId.code()).as(baseId.output()).isZero();
            assertThat(baseId.output()).contains("uid=1000(shusr) gid=1000(shusr)");
            assertThat(docker.inspect(repo + "base:latest", "{{json .Config.Entrypoint}}"))
                    .isEqualTo("[\"/usr/bin/tini\",\"--\",\"/usr/local/lib/grocker/entrypoint/entrypoint\"]");

            // postgresql: refuses to start without its password, even for `id`; never prints a value.
            for (List<String> args : List.of(List.<String>of(), List.of("id"))) {
                List<String> command = new java.util.ArrayList<>(List.of("run", "--rm", "-e", "POSTGRES_USER=hidden-value",
                        repo + "postgresql:latest"));
                command.addAll(args);
                DockerCli.Result refused = docker.run(command.toArray(String[]::new));
                assertThat(refused.code()).as(refused.output()).isEqualTo(78);
                assertThat(refused.output()).contains("POSTGRES_PASSWORD").doesNotContain("hidden-value");
            }
            int pgPort = freePort();
            String pg = docker.start("-e", "POSTGRES_PASSWORD=s3cret-pw", "-e", "POSTGRES_PORT=" + pgPort, "-e", "POSTGRES_DB=lakehouse",
                    "-e", "POSTGRES_MAX_CONNECTIONS=42", repo + "postgresql:latest");
            int nessiePort = freePort();
            String nessie = docker.start("-e", "QUARKUS_DATASOURCE_HOST=postgresql", "-e", "NESSIE_PORT=" + nessiePort,
                    "-e", "NESSIE_STORE_TYPE=JDBC", repo + "nessie:latest");

            // PostgreSQL passes its health check, answers on the configured port, as shusr, with the rendered config.
            String health = docker.await(pg, "{{.State.Health.Status}}", "healthy"::equals, Duration.ofSeconds(150));
            assertThat(health).as(docker.logs(pg)).isEqualTo("healthy");
            DockerCli.Result sql = docker.run("exec", "-e", "PGPASSWORD=s3cret-pw", pg, "psql", "-h", "127.0.0.1", "-p",
                    Integer.toString(pgPort), "-U", "postgres", "-d", "lakehouse", "-tAc", "select current_user, current_setting('max_connections')");
            assertThat(sql.code()).as(sql.output()).isZero();
            assertThat(sql.output().strip()).isEqualTo("postgres|42");
            DockerCli.Result wrong = docker.run("exec", "-e", "PGPASSWORD=wrong", pg, "psql", "-h", "127.0.0.1", "-p",
                    Integer.toString(pgPort), "-U", "postgres", "-tAc", "select 1");
            assertThat(wrong.code()).isNotZero();
            assertThat(wrong.output()).contains("password authentication failed");
            DockerCli.Result files = docker.run("exec", pg, "sh", "-c",
                    "id -un; stat -c '%U %a' /var/lib/postgresql/data; grep '^port' /config/postgresql.conf");
            assertThat(files.output()).contains("shusr\n", "shusr 700", "port = " + pgPort);
            assertThat(docker.inspect(pg, "{{json .Config.Volumes}}")).contains("/var/lib/postgresql/data");

            // Nessie (a stand-in jar on the image's Java 17) passes its health check with its rendered config.
            String nessieHealth = docker.await(nessie, "{{.State.Health.Status}}", "healthy"::equals, Duration.ofSeconds(150));
            assertThat(nessieHealth).as(docker.logs(nessie)).isEqualTo("healthy");
            assertThat(docker.logs(nessie)).contains("nessie stand-in on Java 17", "quarkus.datasource.jdbc.url=jdbc:postgresql://postgresql:5432/nessie",
                    "nessie.version.store.type=JDBC", "nessie.catalog.default-warehouse=lakehouse");

            // patroni: its five variables are required; its configuration is rendered from the environment.
            DockerCli.Result patroniRefused = docker.run("run", "--rm", "-e", "PATRONI_NAME=pg-1", repo + "patroni:latest");
            assertThat(patroniRefused.code()).isEqualTo(78);
            assertThat(patroniRefused.output()).contains("PATRONI_SCOPE", "PATRONI_ETCD3_HOSTS", "POSTGRES_PASSWORD",
                    "PATRONI_REPLICATION_PASSWORD").doesNotContain("pg-1");
            DockerCli.Result patroni = docker.run("run", "--rm", "-e", "PATRONI_NAME=pg-1", "-e", "PATRONI_SCOPE=datalyptica",
                    "-e", "PATRONI_ETCD3_HOSTS=etcd:2379", "-e", "POSTGRES_PASSWORD=pw", "-e", "PATRONI_REPLICATION_PASSWORD=rpw",
                    repo + "patroni:latest", "sh", "-c", "patroni --version; cat /config/patroni.yml");
            assertThat(patroni.code()).as(patroni.output()).isZero();
            assertThat(patroni.output()).contains("patroni 3.", "scope: datalyptica", "name: pg-1", "hosts: etcd:2379",
                    "bin_dir: /usr/lib/postgresql/15/bin");

            // trino: the upstream archive extracted as shusr's, its configuration from TRINO_* variables.
            DockerCli.Result trino = docker.run("run", "--rm", "-e", "TRINO_DISCOVERY_URI=http://trino:8080",
                    "-e", "TRINO_COORDINATOR=false", repo + "trino:latest");
            assertThat(trino.code()).as(trino.output()).isZero();
            assertThat(trino.output()).contains("launcher run --etc-dir=/config/trino", "coordinator=false",
                    "discovery.uri=http://trino:8080", "query.max-memory=4GB", "node.data-dir=/var/lib/trino", "owner=shusr");
            assertThat(docker.run("run", "--rm", repo + "trino:latest").code()).isEqualTo(78);
            // The document's labels, set on base, reach the services (trino was pulled by the runs above).
            assertThat(docker.inspect(repo + "trino:latest", "{{index .Config.Labels \"maintainer\"}}"))
                    .isEqualTo("Datalyptica Team <devops@datalyptica.com>");
            assertThat(docker.inspect(repo + "trino:latest", "{{index .Config.Labels \"org.opencontainers.image.source\"}}"))
                    .isEqualTo("https://github.com/datalyptica/datalyptica");

            // spark: SPARK_MODE for every start, SPARK_MASTER_URL for the spark service.
            DockerCli.Result sparkRefused = docker.run("run", "--rm", "-e", "SPARK_MODE=master", repo + "spark:latest");
            assertThat(sparkRefused.code()).isEqualTo(78);
            assertThat(sparkRefused.output()).contains("SPARK_MASTER_URL");
            DockerCli.Result spark = docker.run("run", "--rm", "-e", "SPARK_MODE=master", "-e", "SPARK_MASTER_URL=spark://spark:7077",
                    "-e", "SPARK_DRIVER_MEMORY=2g", repo + "spark:latest");
            assertThat(spark.code()).as(spark.output()).isZero();
            assertThat(spark.output()).contains("spark-class org.apache.spark.deploy.master.Master", "spark.master                spark://spark:7077",
                    "spark.driver.memory         2g", "owner=shusr");

            // minio: root credentials required; the server command from the environment.
            DockerCli.Result minioRefused = docker.run("run", "--rm", repo + "minio:latest");
            assertThat(minioRefused.code()).isEqualTo(78);
            assertThat(minioRefused.output()).contains("MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD");
            DockerCli.Result minio = docker.run("run", "--rm", "-e", "MINIO_ROOT_USER=admin", "-e", "MINIO_ROOT_PASSWORD=pw",
                    "-e", "MINIO_PORT=9100", repo + "minio:latest");
            assertThat(minio.code()).as(minio.output()).isZero();
            assertThat(minio.output()).contains("minio server /data --address :9100 --console-address :9001", "as 1000");
        }

        // A second run builds nothing.
        TestEnvironment.Cli again = t.cli(env, "base", "--spec", spec.toString(), "--platform", "linux/amd64");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).doesNotContain("building");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Small stand-ins for the upstream deliverables: the minio binary, Nessie's jar, Trino's and Spark's tarballs. */
    private void makeStandIns(Path archives) throws IOException {
        Path minio = archives.resolve("minio");
        Files.writeString(minio, "#!/bin/sh\necho \"minio $* as $(id -u)\"\n");
        tarGz(archives.resolve("trino-server.tar.gz"), Map.of("bin/launcher", """
                #!/bin/sh
                echo "launcher $*"
                cat /config/trino/config.properties /config/trino/node.properties
                echo "owner=$(stat -c %U /opt/service/trino/bin/launcher)"
                """));
        tarGz(archives.resolve("spark.tgz"), Map.of("bin/spark-class", """
                #!/bin/sh
                echo "spark-class $*"
                cat "$SPARK_CONF_DIR/spark-defaults.conf"
                echo "owner=$(stat -c %U /opt/service/spark/bin/spark-class)"
                """));
        Path src = Files.createDirectories(dir.resolve("nessie-src"));
        Files.writeString(src.resolve("Main.java"), """
                import com.sun.net.httpserver.HttpServer;
                import java.net.InetSocketAddress;
                import java.nio.file.Files;
                import java.nio.file.Path;
                import java.util.Properties;
                public class Main {
                    public static void main(String[] args) throws Exception {
                        String location = System.getProperty("quarkus.config.locations");
                        Properties p = new Properties();
                        try (var in = Files.newInputStream(Path.of(location))) { p.load(in); }
                        System.out.println("nessie stand-in on Java " + Runtime.version().feature());
                        System.out.print(Files.readString(Path.of(location)));
                        System.out.flush();
                        HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(p.getProperty("quarkus.http.port"))), 0);
                        server.createContext("/q/health", e -> {
                            byte[] body = "{\\"status\\":\\"UP\\"}".getBytes();
                            e.sendResponseHeaders(200, body.length);
                            e.getResponseBody().write(body);
                            e.close();
                        });
                        server.start();
                    }
                }
                """);
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d", src.toString(),
                src.resolve("Main.java").toString());
        assertThat(compiled).isZero();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Main");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(archives.resolve("nessie-quarkus-runner.jar")), manifest)) {
            for (Path c : Files.list(src).filter(p -> p.toString().endsWith(".class")).toList()) {
                jar.putNextEntry(new JarEntry(c.getFileName().toString()));
                jar.write(Files.readAllBytes(c));
                jar.closeEntry();
            }
        }
    }

    private static void tarGz(Path file, Map<String, String> executables) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file));
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (var e : executables.entrySet()) {
                byte[] bytes = e.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setMode(0100755);
                entry.setSize(bytes.length);
                entry.setIds(4242, 4242);
                tar.putArchiveEntry(entry);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
        }
    }
}

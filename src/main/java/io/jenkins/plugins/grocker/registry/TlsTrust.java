package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The HTTP client to use for each registry host: the JVM's trusted CAs, plus those of a CA file
 * ({@code GROCKER_REGISTRY_CA_FILE} or {@code --ca-file}) and, as Docker does, every {@code *.crt} in
 * {@code /etc/docker/certs.d/<host:port>/}. A registry that has such a directory is reached over https even on
 * loopback. Thread-safe: clients are built once per host into a concurrent map.
 */
final class TlsTrust {
    /** Where Docker looks for per-registry CA certificates. */
    static final Path DOCKER_CERTS_DIR = Path.of("/etc/docker/certs.d");

    private final HttpClient defaultClient;
    private final Path caFile;
    private final Path certsDir;
    private final ConcurrentMap<String, HttpClient> clients = new ConcurrentHashMap<>();

    /**
     * @param caFile a PEM file of extra trusted CA certificates, or null
     * @param certsDir Docker's {@code certs.d} directory, or null to ignore it
     */
    TlsTrust(HttpClient defaultClient, Path caFile, Path certsDir) {
        this.defaultClient = defaultClient;
        this.caFile = caFile;
        this.certsDir = certsDir;
    }

    /**
     * An HTTP client like {@link RegistryClient#newHttpClient()} whose TLS trust (the JVM's CAs) is loaded on the
     * first https handshake, not when the client is made: a run that only talks plain http to loopback
     * registries does not pay for reading the CA store.
     */
    static HttpClient lazyDefaultClient() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new LazySystemTrust()}, null);
            return HttpClient.newBuilder().connectTimeout(RegistryClient.CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER).sslContext(context).build();
        } catch (GeneralSecurityException e) {
            return RegistryClient.newHttpClient();
        }
    }

    /** Every host uses this one client (no extra CAs). */
    static TlsTrust fixed(HttpClient client) {
        return new TlsTrust(client, null, null);
    }

    /** Whether {@code certs.d/<host:port>/} exists: then the registry speaks TLS, even on loopback. */
    boolean configuredFor(String host) {
        return hostDir(host) != null && Files.isDirectory(hostDir(host));
    }

    HttpClient client(String host) throws RegistryException {
        List<Path> files = new ArrayList<>();
        if (caFile != null) {
            files.add(caFile);
        }
        Path dir = hostDir(host);
        if (dir != null && Files.isDirectory(dir)) {
            try (DirectoryStream<Path> crts = Files.newDirectoryStream(dir, "*.crt")) {
                crts.forEach(files::add);
            } catch (IOException e) {
                throw new RegistryException("cannot read " + dir + ": " + e.getMessage(), e);
            }
        }
        if (files.isEmpty()) {
            return defaultClient;
        }
        String key = host.toLowerCase(Locale.ROOT);
        HttpClient client = clients.get(key);
        if (client == null) {
            client = build(files);
            HttpClient raced = clients.putIfAbsent(key, client);
            client = raced != null ? raced : client;
        }
        return client;
    }

    private Path hostDir(String host) {
        return certsDir == null ? null : certsDir.resolve(host.toLowerCase(Locale.ROOT));
    }

    private static HttpClient build(List<Path> caFiles) throws RegistryException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            int n = 0;
            for (Path file : caFiles) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (Certificate certificate : factory.generateCertificates(in)) {
                        store.setCertificateEntry("ca-" + n++, certificate);
                    }
                } catch (IOException | CertificateException e) {
                    throw new RegistryException("cannot read CA certificates from " + file + ": " + oneLine(e.getMessage()), e);
                }
            }
            if (n == 0) {
                throw new RegistryException("no CA certificate in " + caFiles);
            }
            TrustManagerFactory custom = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            custom.init(store);
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new EitherTrustManager(extended(custom), extended(system))}, null);
            return HttpClient.newBuilder().connectTimeout(RegistryClient.CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER).sslContext(context).build();
        } catch (GeneralSecurityException | IOException e) {
            throw new RegistryException("cannot set up TLS with " + caFiles + ": " + oneLine(e.getMessage()), e);
        }
    }

    private static X509ExtendedTrustManager extended(TrustManagerFactory factory) {
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X509ExtendedTrustManager in " + factory.getAlgorithm());
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }

    /** The JVM's default trust manager, made on first use. Thread-safe. */
    private static final class LazySystemTrust extends X509ExtendedTrustManager {
        private volatile X509ExtendedTrustManager system;

        private X509ExtendedTrustManager system() throws CertificateException {
            X509ExtendedTrustManager s = system;
            if (s == null) {
                try {
                    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    factory.init((KeyStore) null);
                    s = extended(factory);
                } catch (GeneralSecurityException e) {
                    throw new CertificateException("cannot load the JVM's trusted CAs: " + e.getMessage(), e);
                }
                system = s;
            }
            return s;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            system().checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            system().checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            system().checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            system().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            system().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            system().checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            try {
                return system().getAcceptedIssuers();
            } catch (CertificateException e) {
                return new X509Certificate[0];
            }
        }
    }

    /** Trusts a server that either manager trusts (the extra CAs first, then the JVM's). Client checks are not used. */
    private static final class EitherTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager first;
        private final X509ExtendedTrustManager second;

        EitherTrustManager(X509ExtendedTrustManager first, X509ExtendedTrustManager second) {
            this.first = first;
            this.second = second;
        }

        private interface Check {
            void run(X509ExtendedTrustManager manager) throws CertificateException;
        }

        private void either(Check check) throws CertificateException {
            try {
                check.run(first);
            } catch (CertificateException e) {
                try {
                    check.run(second);
                } catch (CertificateException ignored) {
                    throw e;
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            either(m -> m.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            either(m -> m.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            either(m -> m.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            either(m -> m.checkClientTrusted(chain, authType, socket));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            either(m -> m.checkClientTrusted(chain, authType, engine));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            either(m -> m.checkClientTrusted(chain, authType));
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            X509Certificate[] a = first.getAcceptedIssuers();
            X509Certificate[] b = second.getAcceptedIssuers();
            X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }
}

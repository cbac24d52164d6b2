package dev.xaa4j.connector.testing;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed server certificate made with the JDK's {@code keytool} (no extra library): a PKCS12 key store
 * for the test server and the certificate as PEM, the shape of a company CA bundle.
 *
 * @param keyStore PKCS12 with the key pair, password {@link #PASSWORD}
 * @param pem      the certificate alone, PEM
 */
public record TestCertificates(Path keyStore, Path pem) {

    public static final String PASSWORD = "changeit";

    /** A certificate for {@code dnsNames} (and 127.0.0.1), valid for two days. */
    public static TestCertificates create(Path dir, String... dnsNames) throws Exception {
        Path keyStore = dir.resolve("server.p12");
        Path pem = dir.resolve("server.pem");
        StringBuilder san = new StringBuilder("SAN=ip:127.0.0.1");
        for (String n : dnsNames) {
            san.append(",dns:").append(n);
        }
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=" + (dnsNames.length > 0 ? dnsNames[0] : "localhost"), "-ext", san.toString(), "-validity", "2",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-alias", "server", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-rfc", "-file", pem.toString());
        return new TestCertificates(keyStore, pem);
    }

    /** The server side: an {@link SSLContext} presenting this certificate. */
    public SSLContext serverContext() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }
}

package dev.xaa4j.connector.internal.http;

import dev.xaa4j.connector.ConnectorException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust of every HTTP client: the Java trust store (the JDK's {@code cacerts}, or
 * {@code javax.net.ssl.trustStore} when set) plus, optionally, the certificates of a PEM bundle such as a
 * company CA ({@code XAA_CA_BUNDLE}). Certificates are added as trust anchors; nothing is removed.
 */
final class TrustBundle {

    private TrustBundle() {
    }

    /**
     * An {@link SSLContext} trusting the Java trust store and every certificate in {@code pemBundle}.
     *
     * @throws ConnectorException (CONFIGURATION) when the file cannot be read or holds no X.509 certificate
     */
    static SSLContext withBundle(Path pemBundle, String variable) {
        List<X509Certificate> extra = read(pemBundle, variable);
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int i = 0;
            for (X509Certificate c : defaultTrustManager().getAcceptedIssuers()) {
                anchors.setCertificateEntry("java-" + i++, c);
            }
            for (X509Certificate c : extra) {
                anchors.setCertificateEntry("bundle-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "Cannot set up TLS with the certificates of " + variable + " ("
                    + pemBundle + "): " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> read(Path file, String variable) {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(file)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, variable + " points to " + file + ", which cannot be read ("
                    + e.getClass().getSimpleName() + "). Point it to a PEM file with your company's CA certificate, "
                    + "or unset it.", e);
        } catch (GeneralSecurityException e) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, variable + " points to " + file + ", which is not a PEM certificate "
                    + "bundle. Point it to a PEM file with your company's CA certificate, or unset it.", e);
        }
        List<X509Certificate> out = new ArrayList<>();
        certs.forEach(c -> out.add((X509Certificate) c));
        if (out.isEmpty()) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, variable + " points to " + file + ", which holds no certificate. "
                    + "Point it to a PEM file with your company's CA certificate, or unset it.");
        }
        return out;
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager in the Java runtime");
    }
}

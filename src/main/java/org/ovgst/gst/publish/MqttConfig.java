package org.ovgst.gst.publish;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.ovgst.files.UserFiles;

/**
 * What ovmetapublish's {@code mqtt-config} file says: credentials and TLS, kept out of the pipeline
 * description (and so out of process lists and logs). A Java properties file:
 * <pre>
 * username = camera-7
 * password = secret
 * tls = true                      # ssl:// for a host:port address
 * ca-file = /etc/ovgst/ca.pem     # PEM certificates the broker's must chain to (default: Java's)
 * cert-file = /etc/ovgst/me.pem   # PEM client certificate chain, with key-file (PKCS#8 PEM, unencrypted)
 * key-file = /etc/ovgst/me.key
 * </pre>
 *
 * @param socketFactory TLS sockets with the CA and client certificate of the file; null: Java's defaults
 */
public record MqttConfig(String username, char[] password, boolean tls, SSLSocketFactory socketFactory) {
    private static final Set<String> KEYS = Set.of("username", "password", "tls", "ca-file", "cert-file", "key-file");

    /** No file: plain TCP, no credentials. */
    public static final MqttConfig NONE = new MqttConfig(null, null, false, null);

    /** The most read of the file and of the PEM files it names: a wrong or endless file is refused, not read whole. */
    private static final int MAX_BYTES = 1 << 20;

    /**
     * Reads the file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong in it
     */
    public static MqttConfig read(Path file) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(UserFiles.readText(file, "mqtt-config", MAX_BYTES)));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IllegalArgumentException malformed) {
            // Its own words, "Malformed \\uxxxx encoding.", name neither the file nor the fix.
            throw new IllegalArgumentException("mqtt-config " + file + ": a \\u escape is not followed by four hex"
                    + " digits (write a backslash as \\\\)", malformed);
        }
        for (String key : properties.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("mqtt-config " + file + ": unknown key '" + key + "'; the keys are "
                        + List.copyOf(new java.util.TreeSet<>(KEYS)));
            }
        }
        String ca = properties.getProperty("ca-file");
        String cert = properties.getProperty("cert-file");
        String key = properties.getProperty("key-file");
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("mqtt-config " + file + ": cert-file and key-file go together");
        }
        boolean tls = Boolean.parseBoolean(properties.getProperty("tls", "false")) || ca != null || cert != null;
        String password = properties.getProperty("password");
        try {
            return new MqttConfig(properties.getProperty("username"), password == null ? null : password.toCharArray(),
                    tls, tls ? socketFactory(file, ca, cert, key) : null);
        } catch (FileSystemException e) {
            // UserFiles' words: the path, the property and the reason.
            throw new IllegalArgumentException("mqtt-config " + file + ": cannot set up TLS: " + e.getMessage(), e);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("mqtt-config " + file + ": cannot set up TLS: " + (e instanceof Unusable
                    ? e.getMessage() : "Java's TLS refused the certificates or the key"), e);
        }
    }

    /**
     * The connection options: MQTT 3.1.1, a clean session, no reconnection of Paho's own (the
     * publisher's). TLS is the publisher's too ({@link TlsSocketFactory} over {@link #socketFactory}).
     */
    MqttConnectOptions options() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        if (username != null) {
            options.setUserName(username);
        }
        if (password != null) {
            options.setPassword(password);
        }
        return options;
    }

    private static SSLSocketFactory socketFactory(Path file, String ca, String cert, String key)
            throws IOException, GeneralSecurityException {
        Path dir = file.toAbsolutePath().getParent();
        TrustManagerFactory trust = null;
        if (ca != null) {
            KeyStore roots = KeyStore.getInstance("PKCS12");
            roots.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates(dir.resolve(ca), "ca-file")) {
                roots.setCertificateEntry("ca-" + i++, certificate);
            }
            trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(roots);
        }
        KeyManagerFactory keys = null;
        if (cert != null) {
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            char[] none = new char[0];
            own.setKeyEntry("client", privateKey(dir.resolve(key)), none,
                    certificates(dir.resolve(cert), "cert-file").toArray(Certificate[]::new));
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(own, none);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
                null);
        return context.getSocketFactory();
    }

    /** What is wrong with a file of the config's, in words for the user. */
    private static final class Unusable extends GeneralSecurityException {
        Unusable(String message) {
            super(message);
        }
    }

    private static Collection<? extends Certificate> certificates(Path pem, String what) throws IOException,
            GeneralSecurityException {
        try (InputStream in = new ByteArrayInputStream(UserFiles.readText(pem, what, MAX_BYTES)
                .getBytes(StandardCharsets.UTF_8))) {
            Collection<? extends Certificate> found = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (found.isEmpty()) {
                throw new Unusable(pem + " holds no PEM certificate");
            }
            return found;
        } catch (CertificateException unreadable) {
            // Java's words for it ("extra data at the end", with its exception's name) are its parser's.
            throw new Unusable(pem + " holds no readable PEM certificate (X.509)");
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = UserFiles.readText(pem, "key-file", MAX_BYTES);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new Unusable(pem + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----);"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out " + pem);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        } catch (IllegalArgumentException notBase64) {
            throw new Unusable(pem + ": the key between its BEGIN and END lines is not base64");
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException tryNext) {
                // not this algorithm
            }
        }
        throw new Unusable(pem + ": a key of none of RSA, EC, Ed25519");
    }
}

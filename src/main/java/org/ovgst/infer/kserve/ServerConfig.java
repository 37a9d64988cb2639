package org.ovgst.infer.kserve;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.ovgst.files.UserFiles;

/**
 * The {@code server-config} file: how to reach an inference server over TLS, as {@code mqtt-config}
 * says it for a broker (credentials stay off the command line). Paths are relative to the file.
 * <pre>
 * tls = true                          # grpcs: TLS to the server (implied by any file below)
 * ca-file = /etc/ovgst/ca.pem         # PEM certificates the server's must chain to (default: Java's)
 * cert-file = /etc/ovgst/me.pem       # PEM client certificate chain, with key-file (PKCS#8 PEM, unencrypted)
 * key-file = /etc/ovgst/me.key
 * </pre>
 */
public final class ServerConfig {
    private static final Set<String> KEYS = Set.of("tls", "ca-file", "cert-file", "key-file");

    private ServerConfig() {}

    /** Plaintext without a file; otherwise what the file says. */
    public static ChannelCredentials credentials(Path file) {
        if (file == null) {
            return InsecureChannelCredentials.create();
        }
        Properties properties = new Properties();
        try {
            UserFiles.requireReadableFile(file, "server-config");
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("server-config " + file + " cannot be read: " + e.getMessage(), e);
        }
        Set<String> unknown = new TreeSet<>(properties.stringPropertyNames());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("server-config " + file + " has " + unknown + ", which ovgst does not"
                    + " know; its keys are " + new TreeSet<>(KEYS));
        }
        String tls = properties.getProperty("tls", "true").strip();
        if (!tls.equals("true") && !tls.equals("false")) {
            throw new IllegalArgumentException("server-config " + file + ": tls is '" + tls + "'; give true or false");
        }
        Path dir = file.toAbsolutePath().getParent();
        Path ca = path(properties, "ca-file", dir, file);
        Path cert = path(properties, "cert-file", dir, file);
        Path key = path(properties, "key-file", dir, file);
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("server-config " + file + ": cert-file and key-file go together");
        }
        if (tls.equals("false")) {
            if (ca != null || cert != null) {
                throw new IllegalArgumentException("server-config " + file + " says tls = false but gives certificates:"
                        + " remove them, or set tls = true");
            }
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
        try {
            if (ca != null) {
                builder.trustManager(ca.toFile());
            }
            if (cert != null) {
                builder.keyManager(cert.toFile(), key.toFile());
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("server-config " + file + ": the certificates or the key cannot be used ("
                    + e.getMessage() + "); give PEM certificates and an unencrypted PKCS#8 PEM key", e);
        }
        return builder.build();
    }

    private static Path path(Properties properties, String key, Path dir, Path file) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            return null;
        }
        Path path = dir.resolve(value.strip());
        try {
            UserFiles.requireReadableFile(path, "server-config " + file + " " + key);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return path;
    }
}

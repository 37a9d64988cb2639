package org.ovgst.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A CA and a server certificate it signed, made with openssl for a test's TLS server: in {@code dir},
 * {@code ca.pem} (the CA's certificate), {@code server.pem} and {@code server.key} (PKCS#8).
 */
public final class TestCertificates {
    private TestCertificates() {}

    /** @param subjectAltName the server's name as a client checks it, e.g. {@code DNS:localhost}, {@code IP:127.0.0.1} */
    public static void make(Path dir, String commonName, String subjectAltName)
            throws IOException, InterruptedException {
        String[][] steps = {
                {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=ovgst test CA",
                        "-keyout", "ca.key", "-out", "ca.pem"},
                {"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + commonName, "-keyout", "server.key",
                        "-out", "server.csr"},
                {"sh", "-c", "printf 'subjectAltName=" + subjectAltName + "\\n' > san.ext && openssl x509 -req -in"
                        + " server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.pem"}};
        for (String[] step : steps) {
            Process process = new ProcessBuilder(step).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            assertEquals(0, process.waitFor(), String.join(" ", step) + ": " + output);
        }
    }
}

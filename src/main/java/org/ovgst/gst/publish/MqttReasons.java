package org.ovgst.gst.publish;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * Why a connection failed or broke, in words for the user: Paho's reason codes and the socket and
 * TLS exceptions behind them. Bus messages carry these, never an exception's text or class name
 * (those are Java's, and vary by release).
 */
final class MqttReasons {
    private static final String UNTRUSTED =
            "the broker's certificate does not chain to a trusted CA (ca-file in mqtt-config)";

    private MqttReasons() {}

    static String of(Throwable problem) {
        // Innermost first: Paho wraps socket and TLS failures, TLS wraps certificate checks.
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = problem; t != null && !chain.contains(t); t = t.getCause()) {
            chain.addFirst(t);
        }
        for (Throwable t : chain) {
            String words = words(t);
            if (words != null) {
                return words;
            }
        }
        return "a network error";
    }

    private static String words(Throwable t) {
        return switch (t) {
            case CertificateExpiredException e -> "the broker's certificate has expired";
            case CertificateNotYetValidException e -> "the broker's certificate is not valid yet";
            case CertPathBuilderException e -> UNTRUSTED;
            case CertPathValidatorException e -> UNTRUSTED;
            // A bare CertificateException is the host name check; the chain's own problems are subclasses.
            case CertificateException e when e.getClass() == CertificateException.class ->
                    "the broker's certificate is not for the host in 'address'";
            case UnknownHostException e -> "the host is not known (DNS, /etc/hosts)";
            case ConnectException e -> "nothing takes connections there (connection refused)";
            case NoRouteToHostException e -> "there is no route to the host";
            case SocketTimeoutException e -> "the broker did not answer in time";
            case EOFException e -> "the broker closed the connection";
            case SSLException e -> "the TLS handshake failed (is the port TLS? does the broker take the client"
                    + " certificate?)";
            case SocketException e -> "the connection broke";
            case MqttException e -> code(e.getReasonCode());
            default -> null;
        };
    }

    private static String code(int code) {
        return switch (code) {
            case MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION -> "the broker does not speak MQTT 3.1.1";
            case MqttException.REASON_CODE_INVALID_CLIENT_ID -> "the broker refused the client id (mqtt-client-id)";
            case MqttException.REASON_CODE_BROKER_UNAVAILABLE -> "the broker says it is unavailable";
            case MqttException.REASON_CODE_FAILED_AUTHENTICATION ->
                    "the broker refused the user name or password (mqtt-config)";
            case MqttException.REASON_CODE_NOT_AUTHORIZED -> "the broker says not authorized (username, password"
                    + " or client certificate in mqtt-config)";
            case MqttException.REASON_CODE_CLIENT_TIMEOUT -> "the broker did not answer in time";
            case MqttException.REASON_CODE_SERVER_CONNECT_ERROR -> "could not open a connection";
            case MqttException.REASON_CODE_CONNECTION_LOST -> "the connection was lost";
            case MqttException.REASON_CODE_CLIENT_NOT_CONNECTED -> "the connection was closed";
            case MqttException.REASON_CODE_WRITE_TIMEOUT -> "the broker took no data for too long";
            case MqttException.REASON_CODE_CLIENT_EXCEPTION -> null;
            default -> "the MQTT client failed (Paho reason code " + code + ")";
        };
    }
}

package org.ovgst.gst.publish;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The broker's address as the user wrote it: {@code host:port}, {@code [IPv6]:port}, or either
 * behind {@code tcp://} or {@code ssl://} (the port may be left out: 1883, 8883 with TLS). The host
 * is a name the system resolves (/etc/hosts, DNS; Docker's {@code my_host} too) or an IP literal.
 * Paho is given IP literals only: its URI parsing refuses names such as {@code my_host} (and then
 * reflects into java.net.URI, which Java 25 forbids), so the name is resolved here, at every
 * connection, since a container's address may change.
 *
 * @param host the name or IP literal as written (without brackets)
 */
public record MqttAddress(String written, String host, int port, boolean tls) {
    private static final String FORMS = "give host:port, [IPv6]:port, tcp://host:port or ssl://host:port"
            + " (e.g. 127.0.0.1:1883)";

    /**
     * Reads an address; {@code tls} (from mqtt-config) makes {@code host:port} TLS.
     *
     * @throws IllegalArgumentException naming the address and what is wrong with it
     */
    public static MqttAddress parse(String address, boolean tls) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("property 'address' is not set: " + FORMS);
        }
        String rest = address.strip();
        int scheme = rest.indexOf("://");
        if (scheme >= 0) {
            String name = rest.substring(0, scheme);
            if (!name.equals("tcp") && !name.equals("ssl")) {
                throw invalid(address, name + ":// is not tcp:// or ssl://");
            }
            if (name.equals("tcp") && tls) {
                throw invalid(address, "tcp:// is plain TCP but mqtt-config sets up TLS; write ssl:// or host:port");
            }
            tls = name.equals("ssl");
            rest = rest.substring(scheme + 3);
        }
        String host;
        String port;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw invalid(address, "the IPv6 address lacks its closing ']'");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw invalid(address, "after ']' comes ':port'");
            }
            port = after.isEmpty() ? null : after.substring(1);
            if (!(literal(host) instanceof Inet6Address)) {
                throw invalid(address, host + " is not an IPv6 address");
            }
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon >= 0 && rest.indexOf(':') != colon) {
                throw invalid(address, "an IPv6 address goes in brackets, e.g. [::1]:1883");
            }
            host = colon < 0 ? rest : rest.substring(0, colon);
            port = colon < 0 ? null : rest.substring(colon + 1);
            // Digits and dots only: meant as an IPv4 address (four numbers; the resolver would take
            // 999.1.1.1 for a name, InetAddress 1883 for 0.0.7.91).
            if (host.matches("[0-9.]+") && !(host.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")
                    && literal(host) instanceof Inet4Address)) {
                throw invalid(address, host + " is not an IPv4 address");
            }
        }
        if (host.isEmpty()) {
            throw invalid(address, "it names no host");
        }
        return new MqttAddress(address, host, port(address, port, tls), tls);
    }

    private static int port(String address, String port, boolean tls) {
        if (port == null) {
            return tls ? 8883 : 1883;
        }
        if (!port.matches("[0-9]{1,9}")) {
            throw invalid(address, port.isEmpty() ? "no port after ':'" : "port '" + port + "' is not a number");
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            throw invalid(address, "port " + number + " is not a TCP port (1 to 65535)");
        }
        return number;
    }

    private static InetAddress literal(String host) {
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException notALiteral) {
            return null;
        }
    }

    private static IllegalArgumentException invalid(String address, String why) {
        return new IllegalArgumentException("address '" + address + "' is not an MQTT broker address: " + why
                + "; " + FORMS);
    }

    /** The broker as a URI, for messages: the host as written. */
    public String uri() {
        return (tls ? "ssl://" : "tcp://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * The Paho URIs of the host's addresses, asked of the system's resolver now (Paho tries them in
     * turn). Always {@code tcp://}: TLS is layered by {@link TlsSocketFactory}, with the name as written.
     *
     * @throws UnknownHostException when the resolver knows no such host
     */
    String[] pahoUris() throws UnknownHostException {
        return Arrays.stream(InetAddress.getAllByName(host))
                .map(a -> "tcp://" + (a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress())
                        + ":" + port)
                .toArray(String[]::new);
    }

    /** Why a host did not resolve, for messages. */
    String unknownHost() {
        return "no host " + host + " is known (DNS, /etc/hosts)";
    }
}

package org.ovgst.gst.publish;

import java.util.ArrayList;
import java.util.List;

/**
 * ovmetapublish's {@code address} for {@code method=kafka}: the bootstrap servers, one or more of
 * {@code host:port} or {@code [IPv6]:port}, comma-separated (the port may be left out: 9092). The
 * client asks them for the cluster's brokers; names are resolved by the client at each connection.
 * Checked here so that a typo is an error naming it, not the client's "no resolvable bootstrap urls".
 *
 * @param servers each as {@code host:port}, IPv6 in brackets, for {@code bootstrap.servers}
 */
public record KafkaAddress(String written, List<String> servers) {
    private static final String FORMS = "give host:port or [IPv6]:port, several comma-separated"
            + " (e.g. 127.0.0.1:9092,kafka-2:9092)";

    /**
     * Reads an address.
     *
     * @throws IllegalArgumentException naming the address and what is wrong with it
     */
    public static KafkaAddress parse(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("property 'address' is not set: " + FORMS);
        }
        List<String> servers = new ArrayList<>();
        for (String entry : address.split(",", -1)) {
            servers.add(server(address, entry.strip()));
        }
        return new KafkaAddress(address, List.copyOf(servers));
    }

    private static String server(String address, String entry) {
        if (entry.isEmpty()) {
            throw invalid(address, "an empty server between commas");
        }
        if (entry.contains("://")) {
            throw invalid(address, "'" + entry + "' has a scheme; Kafka takes host:port (TLS and SASL come from"
                    + " security.protocol in kafka-config)");
        }
        String host;
        String port;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw invalid(address, "the IPv6 address in '" + entry + "' lacks its closing ']'");
            }
            host = entry.substring(1, close);
            String after = entry.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw invalid(address, "after ']' comes ':port'");
            }
            port = after.isEmpty() ? null : after.substring(1);
            if (!host.matches("[0-9a-fA-F:.]+") || !host.contains(":")) {
                throw invalid(address, host + " is not an IPv6 address");
            }
            host = "[" + host + "]";
        } else {
            int colon = entry.lastIndexOf(':');
            if (colon >= 0 && entry.indexOf(':') != colon) {
                throw invalid(address, "an IPv6 address goes in brackets, e.g. [::1]:9092");
            }
            host = colon < 0 ? entry : entry.substring(0, colon);
            port = colon < 0 ? null : entry.substring(colon + 1);
            if (host.matches("[0-9.]+") && !host.matches("(\\d{1,3}\\.){3}\\d{1,3}")) {
                throw invalid(address, host + " is not an IPv4 address");
            }
            if (!host.matches("[A-Za-z0-9._-]*")) {
                throw invalid(address, "'" + host + "' is not a host name");
            }
        }
        if (host.isEmpty()) {
            throw invalid(address, "'" + entry + "' names no host");
        }
        return host + ":" + port(address, port);
    }

    private static int port(String address, String port) {
        if (port == null) {
            return 9092;
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

    private static IllegalArgumentException invalid(String address, String why) {
        return new IllegalArgumentException("address '" + address + "' is not a list of Kafka bootstrap servers: "
                + why + "; " + FORMS);
    }

    /** For {@code bootstrap.servers} and messages. */
    @Override
    public String toString() {
        return String.join(",", servers);
    }
}

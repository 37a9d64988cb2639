package org.ovgst.gst.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bootstrap servers as users write them, and what is refused, with why. */
class KafkaAddressTest {
    @Test
    void serversAsWritten() {
        assertEquals(List.of("127.0.0.1:9092"), KafkaAddress.parse("127.0.0.1:9092").servers());
        assertEquals(List.of("kafka_1:9092", "[::1]:9093", "broker.lan:9092"),
                KafkaAddress.parse(" kafka_1 , [::1]:9093,broker.lan:9092").servers());
        assertEquals("kafka_1:9092,[::1]:9093", KafkaAddress.parse("kafka_1,[::1]:9093").toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''| property 'address' is not set",
        "127.0.0.1:9092,| an empty server between commas",
        "PLAINTEXT://k:9092| 'PLAINTEXT://k:9092' has a scheme; Kafka takes host:port",
        "::1:9092| an IPv6 address goes in brackets",
        "[::1| lacks its closing ']'",
        "[::1]9092| after ']' comes ':port'",
        "[kafka]:9092| kafka is not an IPv6 address",
        "999.1.1:9092| 999.1.1 is not an IPv4 address",
        "my host:9092| 'my host' is not a host name",
        ":9092| ':9092' names no host",
        "k:| no port after ':'",
        "k:http| port 'http' is not a number",
        "k:0| port 0 is not a TCP port (1 to 65535)",
    })
    void refusedWithWhy(String address, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaAddress.parse(address));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}

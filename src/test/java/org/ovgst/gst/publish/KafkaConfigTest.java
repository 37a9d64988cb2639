package org.ovgst.gst.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kafka-config: producer properties as written, paths next to the file, and what is refused with why. */
class KafkaConfigTest {
    @TempDir
    Path dir;

    @Test
    void propertiesAsWrittenLocationsNextToTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("kafka.properties"), """
                security.protocol = SSL
                ssl.truststore.location = certs/ca.p12
                ssl.keystore.location = /etc/ovgst/me.p12
                compression.type = zstd
                """);
        assertEquals(Map.of("security.protocol", "SSL", "ssl.truststore.location",
                dir.resolve("certs/ca.p12").toString(), "ssl.keystore.location", "/etc/ovgst/me.p12",
                "compression.type", "zstd"), KafkaConfig.read(file).properties());
    }

    @Test
    void whatDecidesARecordsFateIsRefused() throws Exception {
        for (String key : KafkaConfig.RESERVED.keySet()) {
            Path file = Files.writeString(dir.resolve("reserved.properties"), key + " = x\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaConfig.read(file));
            assertEquals("kafka-config " + file + ": " + key + " is set by ovmetapublish ("
                    + KafkaConfig.RESERVED.get(key) + "); remove it", e.getMessage());
        }
    }

    @Test
    void aTypoOrABrokenEscapeIsRefused() throws Exception {
        Path typo = Files.writeString(dir.resolve("typo.properties"), "compresion.type = zstd\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KafkaConfig.read(typo)).getMessage()
                .contains("'compresion.type' is not a Kafka producer property"));
        Path escape = Files.writeString(dir.resolve("escape.properties"), "client.id = \\u12\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KafkaConfig.read(escape)).getMessage()
                .contains("a \\u escape is not followed by four hex digits"));
    }
}

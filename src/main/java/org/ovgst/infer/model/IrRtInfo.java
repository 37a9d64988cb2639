package org.ovgst.infer.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.ovgst.infer.model.ModelMetadata.Found;

/**
 * Reads the model-level {@code <rt_info>} of an OpenVINO IR {@code .xml}: the last child of
 * {@code <net>}, after the layers and edges (layers have {@code <rt_info>} of their own, which are not
 * the model's). OpenVINO writes a value as {@code <key value="..."/>}, a map as an element holding its
 * entries, and a key that is no valid XML name as {@code <info name="key" .../>}. The file is streamed
 * with StAX; reading stops at the end of that element.
 */
final class IrRtInfo {
    /** OpenVINO's converter keeps an ONNX file's metadata_props here. */
    private static final String FRAMEWORK = "framework";

    private IrRtInfo() {}

    /**
     * The values under rt_info, keyed as an ONNX file spells them: {@code framework/<key>} as
     * {@code <key>}, any other path with its parts joined by spaces ({@code model_info labels}).
     */
    static Map<String, Found> read(Path file) throws IOException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader xml = factory.createXMLStreamReader(in);
            try {
                xml.nextTag();
                if (!xml.getLocalName().equals("net")) {
                    throw new IOException(file + ": not an OpenVINO IR model: its root element is <"
                            + xml.getLocalName() + ">, not <net>");
                }
                int depth = 1;
                while (depth > 0) {
                    int event = xml.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        if (++depth == 2 && xml.getLocalName().equals("rt_info")) {
                            return values(xml);
                        }
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        depth--;
                    }
                }
                return Map.of();
            } finally {
                xml.close();
            }
        } catch (XMLStreamException e) {
            throw new IOException(file + ": not a well-formed OpenVINO IR model: " + e.getMessage(), e);
        }
    }

    /** Reads up to the end of the rt_info element the reader is at. */
    private static Map<String, Found> values(XMLStreamReader xml) throws XMLStreamException {
        Map<String, Found> values = new LinkedHashMap<>();
        List<String> path = new ArrayList<>();
        while (true) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                String name = xml.getAttributeValue(null, "name");
                path.add(xml.getLocalName().equals("info") && name != null ? name : xml.getLocalName());
                String value = xml.getAttributeValue(null, "value");
                if (value != null) {
                    Found found = new Found(value, String.join("/", path));
                    if (path.size() == 2 && path.getFirst().equals(FRAMEWORK)) {
                        values.putIfAbsent(path.get(1), found); // an entry of the model's own wins
                    } else {
                        values.put(String.join(" ", path), found);
                    }
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                if (path.isEmpty()) {
                    return values;
                }
                path.removeLast();
            }
        }
    }
}

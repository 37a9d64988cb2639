package org.ovgst.gst.gobject;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Everything one element type declares: what gst-inspect-1.0 shows (names, metadata, properties,
 * pad templates) and how to make the Java object behind each instance.
 *
 * @param factoryName the name in pipelines, e.g. {@code ovdetect}
 * @param typeName the GType name, e.g. {@code GstOvDetect}
 * @param classification GStreamer's klass, e.g. {@code Filter/Analyzer/Video}
 * @param sinkCaps caps of the always-present sink pad
 * @param srcCaps caps of the always-present src pad
 * @param factory makes the Java object of a new instance from its {@code GstElement*} and the spec
 */
public record ElementSpec(String factoryName, String typeName, String longName, String classification,
        String description, List<Property<?>> properties, String sinkCaps, String srcCaps,
        BiFunction<MemorySegment, ElementSpec, Element> factory) {
    public ElementSpec {
        properties = List.copyOf(properties);
    }

    /** The property with a GObject property id (1-based, in declaration order). */
    Property<?> property(int id) {
        return properties.get(id - 1);
    }
}

package org.ovgst.gst.binding;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.ovgst.ffm.NativeLibrary.C_STRING;
import static org.ovgst.gst.binding.GstLib.GBOOLEAN;
import static org.ovgst.gst.binding.GstLib.GTYPE;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import org.ovgst.ffm.NativeFunction;

/**
 * The typed binding to GStreamer pads and what they negotiate: pads and their templates, caps, structures, queries,
 * buffer pools.
 * One method per C function this project calls, named after it; gboolean is {@code boolean}, GType a
 * {@code long}, pointers are {@link MemorySegment}s. Each is linked on its first call.
 */
public final class GstPads {
    private static final NativeFunction BUFFER_POOL_CONFIG_SET_PARAMS = GstLib.LIBRARY.function("gst_buffer_pool_config_set_params",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));

    public static void bufferPoolConfigSetParams(
            MemorySegment config, MemorySegment caps, int size, int minBuffers, int maxBuffers) {
        try {
            BUFFER_POOL_CONFIG_SET_PARAMS.handle().invokeExact(config, caps, size, minBuffers, maxBuffers);
        } catch (Throwable t) {
            throw BUFFER_POOL_CONFIG_SET_PARAMS.failed(t);
        }
    }

    private static final NativeFunction BUFFER_POOL_GET_CONFIG = GstLib.LIBRARY.function("gst_buffer_pool_get_config",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment bufferPoolGetConfig(MemorySegment pool) {
        try {
            return (MemorySegment) BUFFER_POOL_GET_CONFIG.handle().invokeExact(pool);
        } catch (Throwable t) {
            throw BUFFER_POOL_GET_CONFIG.failed(t);
        }
    }

    private static final NativeFunction BUFFER_POOL_SET_ACTIVE = GstLib.LIBRARY.function("gst_buffer_pool_set_active",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, GBOOLEAN));

    public static boolean bufferPoolSetActive(MemorySegment pool, boolean active) {
        try {
            return (int) BUFFER_POOL_SET_ACTIVE.handle().invokeExact(pool, active ? 1 : 0) != 0;
        } catch (Throwable t) {
            throw BUFFER_POOL_SET_ACTIVE.failed(t);
        }
    }

    private static final NativeFunction BUFFER_POOL_SET_CONFIG = GstLib.LIBRARY.function("gst_buffer_pool_set_config",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS));

    public static boolean bufferPoolSetConfig(MemorySegment pool, MemorySegment config) {
        try {
            return (int) BUFFER_POOL_SET_CONFIG.handle().invokeExact(pool, config) != 0;
        } catch (Throwable t) {
            throw BUFFER_POOL_SET_CONFIG.failed(t);
        }
    }

    private static final NativeFunction CAPS_FIXATE = GstLib.LIBRARY.function("gst_caps_fixate",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment capsFixate(MemorySegment caps) {
        try {
            return (MemorySegment) CAPS_FIXATE.handle().invokeExact(caps);
        } catch (Throwable t) {
            throw CAPS_FIXATE.failed(t);
        }
    }

    private static final NativeFunction CAPS_FROM_STRING = GstLib.LIBRARY.function("gst_caps_from_string",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment capsFromString(MemorySegment string) {
        try {
            return (MemorySegment) CAPS_FROM_STRING.handle().invokeExact(string);
        } catch (Throwable t) {
            throw CAPS_FROM_STRING.failed(t);
        }
    }

    private static final NativeFunction CAPS_GET_SIZE = GstLib.LIBRARY.function("gst_caps_get_size",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    public static int capsGetSize(MemorySegment caps) {
        try {
            return (int) CAPS_GET_SIZE.handle().invokeExact(caps);
        } catch (Throwable t) {
            throw CAPS_GET_SIZE.failed(t);
        }
    }

    private static final NativeFunction CAPS_GET_STRUCTURE = GstLib.LIBRARY.function("gst_caps_get_structure",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));

    public static MemorySegment capsGetStructure(MemorySegment caps, int index) {
        try {
            return (MemorySegment) CAPS_GET_STRUCTURE.handle().invokeExact(caps, index);
        } catch (Throwable t) {
            throw CAPS_GET_STRUCTURE.failed(t);
        }
    }

    private static final NativeFunction CAPS_INTERSECT = GstLib.LIBRARY.function("gst_caps_intersect",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

    public static MemorySegment capsIntersect(MemorySegment caps1, MemorySegment caps2) {
        try {
            return (MemorySegment) CAPS_INTERSECT.handle().invokeExact(caps1, caps2);
        } catch (Throwable t) {
            throw CAPS_INTERSECT.failed(t);
        }
    }

    private static final NativeFunction CAPS_INTERSECT_FULL = GstLib.LIBRARY.function("gst_caps_intersect_full",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT));

    public static MemorySegment capsIntersectFull(MemorySegment caps1, MemorySegment caps2, int mode) {
        try {
            return (MemorySegment) CAPS_INTERSECT_FULL.handle().invokeExact(caps1, caps2, mode);
        } catch (Throwable t) {
            throw CAPS_INTERSECT_FULL.failed(t);
        }
    }

    private static final NativeFunction CAPS_IS_EMPTY = GstLib.LIBRARY.function("gst_caps_is_empty",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS));

    public static boolean capsIsEmpty(MemorySegment caps) {
        try {
            return (int) CAPS_IS_EMPTY.handle().invokeExact(caps) != 0;
        } catch (Throwable t) {
            throw CAPS_IS_EMPTY.failed(t);
        }
    }

    private static final NativeFunction CAPS_IS_FIXED = GstLib.LIBRARY.function("gst_caps_is_fixed",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS));

    public static boolean capsIsFixed(MemorySegment caps) {
        try {
            return (int) CAPS_IS_FIXED.handle().invokeExact(caps) != 0;
        } catch (Throwable t) {
            throw CAPS_IS_FIXED.failed(t);
        }
    }

    private static final NativeFunction CAPS_IS_SUBSET = GstLib.LIBRARY.function("gst_caps_is_subset",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS));

    public static boolean capsIsSubset(MemorySegment subset, MemorySegment superset) {
        try {
            return (int) CAPS_IS_SUBSET.handle().invokeExact(subset, superset) != 0;
        } catch (Throwable t) {
            throw CAPS_IS_SUBSET.failed(t);
        }
    }

    private static final NativeFunction CAPS_TO_STRING = GstLib.LIBRARY.function("gst_caps_to_string",
            FunctionDescriptor.of(C_STRING, ADDRESS));

    public static MemorySegment capsToString(MemorySegment caps) {
        try {
            return (MemorySegment) CAPS_TO_STRING.handle().invokeExact(caps);
        } catch (Throwable t) {
            throw CAPS_TO_STRING.failed(t);
        }
    }

    private static final NativeFunction GHOST_PAD_NEW_FROM_TEMPLATE = GstLib.LIBRARY.function("gst_ghost_pad_new_from_template",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    public static MemorySegment ghostPadNewFromTemplate(MemorySegment name, MemorySegment target, MemorySegment templ) {
        try {
            return (MemorySegment) GHOST_PAD_NEW_FROM_TEMPLATE.handle().invokeExact(name, target, templ);
        } catch (Throwable t) {
            throw GHOST_PAD_NEW_FROM_TEMPLATE.failed(t);
        }
    }

    private static final NativeFunction PAD_ADD_PROBE = GstLib.LIBRARY.function("gst_pad_add_probe",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));

    public static long padAddProbe(
            MemorySegment pad, int mask, MemorySegment callback, MemorySegment userData, MemorySegment destroyData) {
        try {
            return (long) PAD_ADD_PROBE.handle().invokeExact(pad, mask, callback, userData, destroyData);
        } catch (Throwable t) {
            throw PAD_ADD_PROBE.failed(t);
        }
    }

    private static final NativeFunction PAD_GET_CURRENT_CAPS = GstLib.LIBRARY.function("gst_pad_get_current_caps",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment padGetCurrentCaps(MemorySegment pad) {
        try {
            return (MemorySegment) PAD_GET_CURRENT_CAPS.handle().invokeExact(pad);
        } catch (Throwable t) {
            throw PAD_GET_CURRENT_CAPS.failed(t);
        }
    }

    private static final NativeFunction PAD_GET_DIRECTION = GstLib.LIBRARY.function("gst_pad_get_direction",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    public static int padGetDirection(MemorySegment pad) {
        try {
            return (int) PAD_GET_DIRECTION.handle().invokeExact(pad);
        } catch (Throwable t) {
            throw PAD_GET_DIRECTION.failed(t);
        }
    }

    private static final NativeFunction PAD_GET_PAD_TEMPLATE_CAPS = GstLib.LIBRARY.function("gst_pad_get_pad_template_caps",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment padGetPadTemplateCaps(MemorySegment pad) {
        try {
            return (MemorySegment) PAD_GET_PAD_TEMPLATE_CAPS.handle().invokeExact(pad);
        } catch (Throwable t) {
            throw PAD_GET_PAD_TEMPLATE_CAPS.failed(t);
        }
    }

    private static final NativeFunction PAD_GET_PARENT_ELEMENT = GstLib.LIBRARY.function("gst_pad_get_parent_element",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment padGetParentElement(MemorySegment pad) {
        try {
            return (MemorySegment) PAD_GET_PARENT_ELEMENT.handle().invokeExact(pad);
        } catch (Throwable t) {
            throw PAD_GET_PARENT_ELEMENT.failed(t);
        }
    }

    private static final NativeFunction PAD_GET_PEER = GstLib.LIBRARY.function("gst_pad_get_peer",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment padGetPeer(MemorySegment pad) {
        try {
            return (MemorySegment) PAD_GET_PEER.handle().invokeExact(pad);
        } catch (Throwable t) {
            throw PAD_GET_PEER.failed(t);
        }
    }

    private static final NativeFunction PAD_HAS_CURRENT_CAPS = GstLib.LIBRARY.function("gst_pad_has_current_caps",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS));

    public static boolean padHasCurrentCaps(MemorySegment pad) {
        try {
            return (int) PAD_HAS_CURRENT_CAPS.handle().invokeExact(pad) != 0;
        } catch (Throwable t) {
            throw PAD_HAS_CURRENT_CAPS.failed(t);
        }
    }

    private static final NativeFunction PAD_IS_LINKED = GstLib.LIBRARY.function("gst_pad_is_linked",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS));

    public static boolean padIsLinked(MemorySegment pad) {
        try {
            return (int) PAD_IS_LINKED.handle().invokeExact(pad) != 0;
        } catch (Throwable t) {
            throw PAD_IS_LINKED.failed(t);
        }
    }

    private static final NativeFunction PAD_PEER_QUERY = GstLib.LIBRARY.function("gst_pad_peer_query",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS));

    public static boolean padPeerQuery(MemorySegment pad, MemorySegment query) {
        try {
            return (int) PAD_PEER_QUERY.handle().invokeExact(pad, query) != 0;
        } catch (Throwable t) {
            throw PAD_PEER_QUERY.failed(t);
        }
    }

    private static final NativeFunction PAD_PEER_QUERY_CAPS = GstLib.LIBRARY.function("gst_pad_peer_query_caps",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

    public static MemorySegment padPeerQueryCaps(MemorySegment pad, MemorySegment filter) {
        try {
            return (MemorySegment) PAD_PEER_QUERY_CAPS.handle().invokeExact(pad, filter);
        } catch (Throwable t) {
            throw PAD_PEER_QUERY_CAPS.failed(t);
        }
    }

    private static final NativeFunction PAD_PUSH_EVENT = GstLib.LIBRARY.function("gst_pad_push_event",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS));

    public static boolean padPushEvent(MemorySegment pad, MemorySegment event) {
        try {
            return (int) PAD_PUSH_EVENT.handle().invokeExact(pad, event) != 0;
        } catch (Throwable t) {
            throw PAD_PUSH_EVENT.failed(t);
        }
    }

    private static final NativeFunction PAD_TEMPLATE_NEW = GstLib.LIBRARY.function("gst_pad_template_new",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));

    public static MemorySegment padTemplateNew(MemorySegment nameTemplate, int direction, int presence, MemorySegment caps) {
        try {
            return (MemorySegment) PAD_TEMPLATE_NEW.handle().invokeExact(nameTemplate, direction, presence, caps);
        } catch (Throwable t) {
            throw PAD_TEMPLATE_NEW.failed(t);
        }
    }

    private static final NativeFunction QUERY_GET_N_ALLOCATION_POOLS = GstLib.LIBRARY.function("gst_query_get_n_allocation_pools",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    public static int queryGetNAllocationPools(MemorySegment query) {
        try {
            return (int) QUERY_GET_N_ALLOCATION_POOLS.handle().invokeExact(query);
        } catch (Throwable t) {
            throw QUERY_GET_N_ALLOCATION_POOLS.failed(t);
        }
    }

    private static final NativeFunction QUERY_NEW_ALLOCATION = GstLib.LIBRARY.function("gst_query_new_allocation",
            FunctionDescriptor.of(ADDRESS, ADDRESS, GBOOLEAN));

    public static MemorySegment queryNewAllocation(MemorySegment caps, boolean needPool) {
        try {
            return (MemorySegment) QUERY_NEW_ALLOCATION.handle().invokeExact(caps, needPool ? 1 : 0);
        } catch (Throwable t) {
            throw QUERY_NEW_ALLOCATION.failed(t);
        }
    }

    private static final NativeFunction QUERY_NEW_LATENCY = GstLib.LIBRARY.function("gst_query_new_latency",
            FunctionDescriptor.of(ADDRESS));

    public static MemorySegment queryNewLatency() {
        try {
            return (MemorySegment) QUERY_NEW_LATENCY.handle().invokeExact();
        } catch (Throwable t) {
            throw QUERY_NEW_LATENCY.failed(t);
        }
    }

    private static final NativeFunction QUERY_PARSE_ACCEPT_CAPS = GstLib.LIBRARY.function("gst_query_parse_accept_caps",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));

    public static void queryParseAcceptCaps(MemorySegment query, MemorySegment caps) {
        try {
            QUERY_PARSE_ACCEPT_CAPS.handle().invokeExact(query, caps);
        } catch (Throwable t) {
            throw QUERY_PARSE_ACCEPT_CAPS.failed(t);
        }
    }

    private static final NativeFunction QUERY_PARSE_ACCEPT_CAPS_RESULT = GstLib.LIBRARY.function("gst_query_parse_accept_caps_result",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));

    public static void queryParseAcceptCapsResult(MemorySegment query, MemorySegment result) {
        try {
            QUERY_PARSE_ACCEPT_CAPS_RESULT.handle().invokeExact(query, result);
        } catch (Throwable t) {
            throw QUERY_PARSE_ACCEPT_CAPS_RESULT.failed(t);
        }
    }

    private static final NativeFunction QUERY_PARSE_CAPS = GstLib.LIBRARY.function("gst_query_parse_caps",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));

    public static void queryParseCaps(MemorySegment query, MemorySegment filter) {
        try {
            QUERY_PARSE_CAPS.handle().invokeExact(query, filter);
        } catch (Throwable t) {
            throw QUERY_PARSE_CAPS.failed(t);
        }
    }

    private static final NativeFunction QUERY_PARSE_CAPS_RESULT = GstLib.LIBRARY.function("gst_query_parse_caps_result",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));

    public static void queryParseCapsResult(MemorySegment query, MemorySegment caps) {
        try {
            QUERY_PARSE_CAPS_RESULT.handle().invokeExact(query, caps);
        } catch (Throwable t) {
            throw QUERY_PARSE_CAPS_RESULT.failed(t);
        }
    }

    private static final NativeFunction QUERY_PARSE_LATENCY = GstLib.LIBRARY.function("gst_query_parse_latency",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    public static void queryParseLatency(
            MemorySegment query, MemorySegment live, MemorySegment minLatency, MemorySegment maxLatency) {
        try {
            QUERY_PARSE_LATENCY.handle().invokeExact(query, live, minLatency, maxLatency);
        } catch (Throwable t) {
            throw QUERY_PARSE_LATENCY.failed(t);
        }
    }

    private static final NativeFunction QUERY_PARSE_NTH_ALLOCATION_POOL = GstLib.LIBRARY.function("gst_query_parse_nth_allocation_pool",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    public static void queryParseNthAllocationPool(
            MemorySegment query, int index, MemorySegment pool, MemorySegment size, MemorySegment minBuffers, MemorySegment maxBuffers) {
        try {
            QUERY_PARSE_NTH_ALLOCATION_POOL.handle().invokeExact(query, index, pool, size, minBuffers, maxBuffers);
        } catch (Throwable t) {
            throw QUERY_PARSE_NTH_ALLOCATION_POOL.failed(t);
        }
    }

    private static final NativeFunction QUERY_SET_ACCEPT_CAPS_RESULT = GstLib.LIBRARY.function("gst_query_set_accept_caps_result",
            FunctionDescriptor.ofVoid(ADDRESS, GBOOLEAN));

    public static void querySetAcceptCapsResult(MemorySegment query, boolean result) {
        try {
            QUERY_SET_ACCEPT_CAPS_RESULT.handle().invokeExact(query, result ? 1 : 0);
        } catch (Throwable t) {
            throw QUERY_SET_ACCEPT_CAPS_RESULT.failed(t);
        }
    }

    private static final NativeFunction QUERY_SET_CAPS_RESULT = GstLib.LIBRARY.function("gst_query_set_caps_result",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));

    public static void querySetCapsResult(MemorySegment query, MemorySegment caps) {
        try {
            QUERY_SET_CAPS_RESULT.handle().invokeExact(query, caps);
        } catch (Throwable t) {
            throw QUERY_SET_CAPS_RESULT.failed(t);
        }
    }

    private static final NativeFunction QUERY_SET_LATENCY = GstLib.LIBRARY.function("gst_query_set_latency",
            FunctionDescriptor.ofVoid(ADDRESS, GBOOLEAN, JAVA_LONG, JAVA_LONG));

    public static void querySetLatency(MemorySegment query, boolean live, long minLatency, long maxLatency) {
        try {
            QUERY_SET_LATENCY.handle().invokeExact(query, live ? 1 : 0, minLatency, maxLatency);
        } catch (Throwable t) {
            throw QUERY_SET_LATENCY.failed(t);
        }
    }

    private static final NativeFunction STRUCTURE_GET_INT = GstLib.LIBRARY.function("gst_structure_get_int",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS, ADDRESS));

    public static boolean structureGetInt(MemorySegment structure, MemorySegment fieldname, MemorySegment value) {
        try {
            return (int) STRUCTURE_GET_INT.handle().invokeExact(structure, fieldname, value) != 0;
        } catch (Throwable t) {
            throw STRUCTURE_GET_INT.failed(t);
        }
    }

    private static final NativeFunction STRUCTURE_GET_STRING = GstLib.LIBRARY.function("gst_structure_get_string",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

    public static MemorySegment structureGetString(MemorySegment structure, MemorySegment fieldname) {
        try {
            return (MemorySegment) STRUCTURE_GET_STRING.handle().invokeExact(structure, fieldname);
        } catch (Throwable t) {
            throw STRUCTURE_GET_STRING.failed(t);
        }
    }

    private static final NativeFunction STRUCTURE_GET_TYPE = GstLib.LIBRARY.function("gst_structure_get_type",
            FunctionDescriptor.of(GTYPE));

    public static long structureGetType() {
        try {
            return (long) STRUCTURE_GET_TYPE.handle().invokeExact();
        } catch (Throwable t) {
            throw STRUCTURE_GET_TYPE.failed(t);
        }
    }

    private static final NativeFunction STRUCTURE_GET_UINT64 = GstLib.LIBRARY.function("gst_structure_get_uint64",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS, ADDRESS));

    public static boolean structureGetUint64(MemorySegment structure, MemorySegment fieldname, MemorySegment value) {
        try {
            return (int) STRUCTURE_GET_UINT64.handle().invokeExact(structure, fieldname, value) != 0;
        } catch (Throwable t) {
            throw STRUCTURE_GET_UINT64.failed(t);
        }
    }

    private GstPads() {}
}

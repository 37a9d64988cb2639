package org.ovgst.gst.gobject;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ovgst.gst.binding.GLib;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.gst.binding.GstPads;
import org.ovgst.gst.binding.StructOffsets;

/**
 * Registers our elements as real GObject types ({@code GstBin} subclasses) and routes GObject's
 * calls to the Java object of each instance. The class and instance callbacks are FFM upcall stubs,
 * made once in the global arena; none of them lets an exception escape, because an exception that
 * leaves an upcall ends the host process (gst-launch-1.0, a Python or Java application).
 */
public final class TypeRegistry {
    private static final System.Logger LOG = System.getLogger(TypeRegistry.class.getName());
    private static final Linker LINKER = Linker.nativeLinker();

    private static final int PAD_SRC = 1;
    private static final int PAD_SINK = 2;
    private static final int PAD_ALWAYS = 0;

    /** Per registered type: its spec and the parent's virtual functions we chain up to. */
    private record Registered(ElementSpec spec, MemorySegment parentFinalize, MemorySegment parentChangeState,
            MemorySegment parentHandleMessage) {}

    private static final List<ElementSpec> SPECS = new CopyOnWriteArrayList<>();
    private static final Map<Long, Registered> TYPES = new ConcurrentHashMap<>();
    private static final Map<Long, Element> INSTANCES = new ConcurrentHashMap<>();

    private static final MethodHandle CALL_FINALIZE = LINKER.downcallHandle(FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle CALL_CHANGE_STATE =
            LINKER.downcallHandle(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CALL_HANDLE_MESSAGE = LINKER.downcallHandle(FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));

    private static final MemorySegment CLASS_INIT = upcall("classInit", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    private static final MemorySegment INSTANCE_INIT =
            upcall("instanceInit", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    private static final MemorySegment SET_PROPERTY =
            upcall("setProperty", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    private static final MemorySegment GET_PROPERTY =
            upcall("getProperty", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    private static final MemorySegment FINALIZE = upcall("finalizeInstance", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MemorySegment CHANGE_STATE =
            upcall("changeState", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MemorySegment HANDLE_MESSAGE =
            upcall("handleMessage", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));

    private TypeRegistry() {}

    /**
     * Registers the type (once per process) and its element factory with {@code plugin}
     * ({@code NULL} for an application's own process). Returns whether GStreamer accepted it.
     */
    public static synchronized boolean register(ElementSpec spec, MemorySegment plugin) {
        MemorySegment typeName = GstLib.staticString(spec.typeName());
        long type = GLib.typeFromName(typeName);
        if (type == 0) {
            type = registerType(spec, typeName);
        }
        return Gst.elementRegister(plugin, GstLib.staticString(spec.factoryName()), 0, type);
    }

    private static long registerType(ElementSpec spec, MemorySegment typeName) {
        long parent = Gst.binGetType();
        MemorySegment query = Arena.global().allocate(StructOffsets.size("GTypeQuery"));
        GLib.typeQuery(parent, query);
        int classSize = query.get(JAVA_INT, StructOffsets.offset("GTypeQuery.class_size"));
        int instanceSize = query.get(JAVA_INT, StructOffsets.offset("GTypeQuery.instance_size"));

        SPECS.add(spec);
        MemorySegment info = Arena.global().allocate(StructOffsets.size("GTypeInfo"));
        info.set(JAVA_SHORT, StructOffsets.offset("GTypeInfo.class_size"), (short) classSize);
        info.set(ADDRESS, StructOffsets.offset("GTypeInfo.class_init"), CLASS_INIT);
        // class_data carries the spec's index, so one class_init stub serves every type.
        info.set(ADDRESS, StructOffsets.offset("GTypeInfo.class_data"), MemorySegment.ofAddress(SPECS.size() - 1));
        info.set(JAVA_SHORT, StructOffsets.offset("GTypeInfo.instance_size"), (short) instanceSize);
        info.set(ADDRESS, StructOffsets.offset("GTypeInfo.instance_init"), INSTANCE_INIT);
        long type = GLib.typeRegisterStatic(parent, typeName, info, 0);
        if (type == 0) {
            throw new IllegalStateException("GLib refused to register the type " + spec.typeName());
        }
        return type;
    }

    /** GClassInitFunc: fills the class struct of one of our types. */
    private static void classInit(MemorySegment klass, MemorySegment classData) {
        try {
            ElementSpec spec = SPECS.get((int) classData.address());
            MemorySegment cls = klass.reinterpret(Long.MAX_VALUE);
            MemorySegment parent = (GLib.typeClassPeekParent(klass))
                    .reinterpret(Long.MAX_VALUE);
            long type = cls.get(JAVA_LONG, 0);
            long finalizeAt = StructOffsets.offset("GObjectClass.finalize");
            long changeStateAt = StructOffsets.offset("GstElementClass.change_state");
            long handleMessageAt = StructOffsets.offset("GstBinClass.handle_message");
            TYPES.put(type, new Registered(spec, parent.get(ADDRESS, finalizeAt), parent.get(ADDRESS, changeStateAt),
                    parent.get(ADDRESS, handleMessageAt)));
            cls.set(ADDRESS, StructOffsets.offset("GObjectClass.set_property"), SET_PROPERTY);
            cls.set(ADDRESS, StructOffsets.offset("GObjectClass.get_property"), GET_PROPERTY);
            cls.set(ADDRESS, finalizeAt, FINALIZE);
            cls.set(ADDRESS, changeStateAt, CHANGE_STATE);
            cls.set(ADDRESS, handleMessageAt, HANDLE_MESSAGE);

            for (int i = 0; i < spec.properties().size(); i++) {
                GLib.objectClassInstallProperty(klass, i + 1, ParamSpecs.create(spec.properties().get(i)));
            }
            Gst.elementClassSetStaticMetadata(klass, GstLib.staticString(spec.longName()),
                    GstLib.staticString(spec.classification()), GstLib.staticString(spec.description()),
                    GstLib.staticString("ovgst developers"));
            addPadTemplate(klass, "sink", PAD_SINK, spec.sinkCaps());
            addPadTemplate(klass, "src", PAD_SRC, spec.srcCaps());
        } catch (Throwable t) {
            logUpcallFailure("class_init", t);
        }
    }

    private static void addPadTemplate(MemorySegment klass, String name, int direction, String caps) {
        MemorySegment parsed = GstPads.capsFromString(GstLib.staticString(caps));
        MemorySegment template = GstPads.padTemplateNew(GstLib.staticString(name), direction, PAD_ALWAYS, parsed);
        Gst.miniObjectUnref(parsed);
        Gst.elementClassAddPadTemplate(klass, template);
    }

    /** GInstanceInitFunc: makes the Java object of a new instance. */
    private static void instanceInit(MemorySegment instance, MemorySegment klass) {
        try {
            // The first element made after the plugin loaded; see StructOffsets.restoreJvmSignalHandlers.
            StructOffsets.restoreJvmSignalHandlers();
            long type = klass.reinterpret(Long.MAX_VALUE).get(JAVA_LONG, 0);
            Registered registered = TYPES.get(type);
            ElementSpec spec = registered.spec();
            INSTANCES.put(instance.address(), spec.factory().apply(instance, spec));
        } catch (Throwable t) {
            logUpcallFailure("instance_init", t);
        }
    }

    private static void setProperty(MemorySegment object, int id, MemorySegment value, MemorySegment pspec) {
        try {
            Element element = INSTANCES.get(object.address());
            if (element != null) {
                store(element, specOf(element).property(id), value);
            }
        } catch (Throwable t) {
            logUpcallFailure("set_property", t);
        }
    }

    private static void getProperty(MemorySegment object, int id, MemorySegment value, MemorySegment pspec) {
        try {
            Element element = INSTANCES.get(object.address());
            if (element != null) {
                load(element, specOf(element).property(id), value);
            }
        } catch (Throwable t) {
            logUpcallFailure("get_property", t);
        }
    }

    private static <T> void store(Element element, Property<T> property, MemorySegment value) {
        element.set(property, GValues.read(property, value));
    }

    private static <T> void load(Element element, Property<T> property, MemorySegment value) {
        GValues.write(property, element.get(property), value);
    }

    private static void finalizeInstance(MemorySegment object) {
        Registered registered = null;
        try {
            Element element = INSTANCES.remove(object.address());
            registered = registeredOf(object);
            if (element != null) {
                element.dispose();
            }
        } catch (Throwable t) {
            logUpcallFailure("finalize", t);
        }
        try {
            if (registered != null) {
                CALL_FINALIZE.invokeExact(registered.parentFinalize(), object);
            }
        } catch (Throwable t) {
            logUpcallFailure("finalize (parent)", t);
        }
    }

    private static int changeState(MemorySegment element, int transition) {
        try {
            Element impl = INSTANCES.get(element.address());
            if (impl == null) {
                return Element.STATE_CHANGE_FAILURE;
            }
            // From the start of READY→PAUSED until PAUSED→READY has completed, the element uses its
            // property values: only those changeable while playing may change then.
            if (transition == Element.READY_TO_PAUSED) {
                impl.setRunning(true);
            }
            int result = Element.STATE_CHANGE_FAILURE;
            try {
                if (impl.beforeStateChange(transition)) {
                    result = (int) CALL_CHANGE_STATE.invokeExact(registeredOf(element).parentChangeState(), element,
                            transition);
                    if (result == Element.STATE_CHANGE_FAILURE) {
                        impl.stateChangeFailed(transition);
                    }
                }
                if (result != Element.STATE_CHANGE_FAILURE) {
                    if (transition == Element.PAUSED_TO_READY) {
                        impl.setRunning(false);
                    }
                    impl.afterStateChange(transition);
                }
            } finally {
                if (result == Element.STATE_CHANGE_FAILURE && transition == Element.READY_TO_PAUSED) {
                    impl.setRunning(false);
                }
            }
            return result;
        } catch (Throwable t) {
            logUpcallFailure("change_state", t);
            return Element.STATE_CHANGE_FAILURE;
        }
    }

    /**
     * GstBinClass.handle_message: a message from one of the bin's children on its way up. The
     * element may take it ({@link Element#takeChildMessage}, which then owns it); else it goes on to
     * GstBin's own handling. A failure in Java passes the message on unchanged.
     */
    private static void handleMessage(MemorySegment bin, MemorySegment message) {
        boolean taken = false;
        try {
            Element impl = INSTANCES.get(bin.address());
            taken = impl != null && impl.takeChildMessage(message);
        } catch (Throwable t) {
            logUpcallFailure("handle_message", t);
        }
        if (taken) {
            return;
        }
        try {
            CALL_HANDLE_MESSAGE.invokeExact(registeredOf(bin).parentHandleMessage(), bin, message);
        } catch (Throwable t) {
            logUpcallFailure("handle_message (parent)", t);
        }
    }

    /** The registration of an instance's own type: its class pointer is the first field of the instance. */
    private static Registered registeredOf(MemorySegment instance) {
        MemorySegment klass = instance.reinterpret(ADDRESS.byteSize()).get(ADDRESS, 0);
        return TYPES.get(klass.reinterpret(JAVA_LONG.byteSize()).get(JAVA_LONG, 0));
    }

    private static ElementSpec specOf(Element element) {
        return registeredOf(element.self()).spec();
    }

    /** The Java object of one of our element instances, or null. */
    public static Element instance(MemorySegment element) {
        return INSTANCES.get(element.address());
    }

    /** Live Java element objects: a leak check for tests. */
    public static int liveInstances() {
        return INSTANCES.size();
    }

    /** Logs what failed in an upcall (here and in {@link EnumValues}), which nothing may leave. */
    static void logUpcallFailure(String where, Throwable t) {
        try {
            LOG.log(Level.ERROR, "ovgst: " + where + " failed", t);
        } catch (Throwable ignored) {
            // Nothing may leave an upcall, not even a failure to log.
        }
    }

    private static MemorySegment upcall(String method, FunctionDescriptor descriptor) {
        return upcall(MethodHandles.lookup(), method, descriptor);
    }

    /** An upcall stub, for the process's life, of a static method of the class {@code owner} looks up from. */
    static MemorySegment upcall(MethodHandles.Lookup owner, String method, FunctionDescriptor descriptor) {
        try {
            MethodHandle target = owner.findStatic(owner.lookupClass(), method, descriptor.toMethodType());
            return LINKER.upcallStub(target, descriptor, Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}

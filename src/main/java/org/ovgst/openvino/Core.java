package org.ovgst.openvino;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ovgst.ffm.NativeLibrary;
import org.ovgst.files.UserFiles;

/** The OpenVINO core ({@code ov_core_t}): devices, reading models, compiling them. */
public final class Core extends NativeResource {
    /** Devices that stand for other devices and so never appear in the available list. */
    private static final Set<String> VIRTUAL_DEVICES = Set.of("AUTO", "MULTI", "HETERO", "BATCH");

    public Core() {
        super("Core", OvLibrary.coreCreate(), OvLibrary::coreFree);
    }

    /** The devices this runtime can use, e.g. {@code [CPU]}. */
    public List<String> availableDevices() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment devices = arena.allocate(OvLibrary.DEVICES);
            OvLibrary.coreGetAvailableDevices(handle(), devices);
            try {
                long count = devices.get(JAVA_LONG, 8);
                MemorySegment names = devices.get(ADDRESS, 0).reinterpret(count * ADDRESS.byteSize());
                List<String> out = new ArrayList<>();
                for (long i = 0; i < count; i++) {
                    out.add(names.getAtIndex(NativeLibrary.C_STRING, i).getString(0));
                }
                return List.copyOf(out);
            } finally {
                OvLibrary.availableDevicesFree(devices);
            }
        }
    }

    /** Reads a model file (IR .xml with its .bin beside it, ONNX, TFLite, PaddlePaddle, TensorFlow). */
    public Model readModel(Path file) {
        try {
            // OpenVINO would read a device or a FIFO forever: only regular files go to it, and the
            // weights an IR .xml brings beside it, if there, must be one too.
            UserFiles.requireReadableFile(file, "model file");
            String name = file.getFileName().toString();
            if (name.toLowerCase(Locale.ROOT).endsWith(".xml")) {
                Path weights = file.resolveSibling(name.substring(0, name.length() - ".xml".length()) + ".bin");
                if (Files.exists(weights)) {
                    UserFiles.requireReadableFile(weights, "weights file");
                }
            }
        } catch (FileSystemException e) {
            throw new OpenVinoException(e instanceof NoSuchFileException ? "NOT_FOUND" : null, e.getMessage(), e);
        }
        try {
            return new Model(OvLibrary.coreReadModel(handle(), file.toString(), MemorySegment.NULL), file.toString());
        } catch (OpenVinoException e) {
            throw new OpenVinoException(e.status(), "cannot read model " + file.toAbsolutePath()
                    + " (is it a complete IR .xml/.bin pair, ONNX, TFLite or PaddlePaddle file?): " + e.getMessage(), e);
        }
    }

    /**
     * Reads a model held in memory: IR XML with its weights as a u8 tensor (or {@code null} when
     * the model has none), or a whole ONNX/TFLite file with {@code weights == null}.
     */
    public Model readModel(MemorySegment model, Tensor weights) {
        try {
            return new Model(OvLibrary.coreReadModelFromMemoryBuffer(handle(), model, model.byteSize(),
                    weights == null ? MemorySegment.NULL : weights.handle()), "memory");
        } catch (OpenVinoException e) {
            throw new OpenVinoException(e.status(), "cannot read model from memory (" + model.byteSize() + " bytes): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Compiles a model for a device. {@code properties} are OpenVINO's string properties, e.g.
     * {@code PERFORMANCE_HINT=THROUGHPUT}, {@code NUM_STREAMS=2}, {@code CACHE_DIR=/tmp/cache}.
     */
    public CompiledModel compile(Model model, String device, Map<String, String> properties) {
        requireDevice(device);
        try (Arena arena = Arena.ofConfined()) {
            return new CompiledModel(OvLibrary.coreCompileModelProps(handle(), model.handle(), device,
                    properties.size(), propertyArray(arena, properties)),
                    model.source(), device);
        } catch (OpenVinoException e) {
            throw unknownDevice(device).orElseGet(() -> new OpenVinoException(e.status(), "cannot compile model "
                    + model.source() + " for device " + device + (properties.isEmpty() ? "" : " with " + properties)
                    + ": " + e.getMessage(), e));
        }
    }

    public CompiledModel compile(Model model, String device) {
        return compile(model, device, Map.of());
    }

    /** A property of a device, e.g. {@code FULL_DEVICE_NAME} or {@code OPTIMIZATION_CAPABILITIES}. */
    public String property(String device, String key) {
        requireDevice(device);
        try {
            return OvLibrary.coreGetProperty(handle(), device, key);
        } catch (OpenVinoException e) {
            throw unknownDevice(device).orElse(e);
        }
    }

    /** Sets properties on a device for all later compilations, e.g. {@code CACHE_DIR}. */
    public void setProperties(String device, Map<String, String> properties) {
        requireDevice(device);
        try (Arena arena = Arena.ofConfined()) {
            OvLibrary.coreSetProperties(handle(), arena.allocateFrom(device), properties.size(),
                    propertyArray(arena, properties));
        } catch (OpenVinoException e) {
            throw unknownDevice(device).orElse(e);
        }
    }

    private void requireDevice(String device) {
        if (device == null || device.isBlank()) {
            throw new OpenVinoException("no device given; available devices: " + String.join(", ", availableDevices()));
        }
    }

    /**
     * After a failed call: the error to report when the device is one the runtime does not have,
     * listing the ones it has. Virtual devices ({@code AUTO}, {@code MULTI:...}) and indexed ones
     * ({@code GPU.1}) are checked by their base name. Only asked after a failure: listing devices
     * probes every device plugin, which is slow and, in some processes, not safe to do on every start.
     */
    private Optional<OpenVinoException> unknownDevice(String device) {
        String base = device.split("[:.(]", 2)[0].toUpperCase(Locale.ROOT);
        if (VIRTUAL_DEVICES.contains(base)) {
            return Optional.empty();
        }
        List<String> available = availableDevices();
        boolean known = available.contains(device)
                || available.stream().anyMatch(d -> d.split("\\.", 2)[0].equals(device));
        return known ? Optional.empty() : Optional.of(new OpenVinoException("NOT_FOUND", "unknown device '" + device
                + "'; available devices: " + String.join(", ", available) + " (and AUTO, MULTI:..., HETERO:...,"
                + " BATCH:...)", null));
    }

    private static MemorySegment propertyArray(Arena arena, Map<String, String> properties) {
        if (properties.isEmpty()) {
            return MemorySegment.NULL;
        }
        MemorySegment array = arena.allocate(OvLibrary.PROPERTY, properties.size());
        long offset = 0;
        for (Map.Entry<String, String> property : properties.entrySet()) {
            array.set(ADDRESS, offset, arena.allocateFrom(property.getKey()));
            array.set(ADDRESS, offset + ADDRESS.byteSize(), arena.allocateFrom(property.getValue()));
            offset += OvLibrary.PROPERTY.byteSize();
        }
        return array;
    }
}

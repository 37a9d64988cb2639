package org.ovgst.gst;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.gst.bridge.BridgeBin;
import org.ovgst.gst.bridge.BufferFrame;
import org.ovgst.gst.gobject.ElementSpec;
import org.ovgst.gst.gobject.Property;
import org.ovgst.gst.gobject.TypeRegistry;

/**
 * A bridge that passes frames through, for testing the bridge alone: {@code delayed=true} sends each
 * frame from another thread, as inference does, to exercise ordering, preroll and flushing.
 */
final class PassthroughElement extends BridgeBin {
    static final Property.Bool DELAYED = new Property.Bool("delayed", "Send frames from another thread", false,
            Property.Mutability.READY_ONLY);
    static final String CAPS = "video/x-raw, format=(string)" + org.ovgst.infer.image.PixelFormat.gstList();
    static final ElementSpec SPEC = new ElementSpec("ovtestpass", "GstOvTestPass", "ovgst test passthrough",
            "Filter/Video", "Passes frames through the appsink/appsrc bridge", List.of(DELAYED), CAPS, CAPS,
            PassthroughElement::new);

    /** Told of every frame before it is sent on, when set: what a test wants to see of the frames. */
    static volatile java.util.function.Consumer<BufferFrame> observer;

    private ExecutorService sender;

    private PassthroughElement(MemorySegment self, ElementSpec spec) {
        super(self, spec);
    }

    static void register() {
        GstLib.ensureInitialized();
        TypeRegistry.register(SPEC, MemorySegment.NULL);
    }

    @Override
    protected void start() {
        if (get(DELAYED)) {
            sender = Executors.newSingleThreadExecutor();
        }
    }

    @Override
    protected void stop() {
        if (sender != null) {
            sender.shutdownNow();
            sender = null;
        }
    }

    @Override
    protected void process(BufferFrame frame) {
        java.util.function.Consumer<BufferFrame> seeing = observer;
        if (seeing != null) {
            seeing.accept(frame);
        }
        if (sender == null) {
            send(frame);
        } else {
            sender.execute(() -> send(frame));
        }
    }

    @Override
    protected void endOfStream() throws Exception {
        if (sender != null) {
            LinkedBlockingQueue<Boolean> done = new LinkedBlockingQueue<>();
            sender.execute(() -> done.add(true));
            done.poll(30, TimeUnit.SECONDS);
        }
        sendEos();
    }
}

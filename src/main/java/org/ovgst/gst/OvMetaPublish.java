package org.ovgst.gst;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ovgst.gst.meta.FrameMeta;
import org.ovgst.gst.meta.JsonLines;

/**
 * {@code ovmetapublish}: one JSON object per frame (JSON Lines) with its regions of interest, to a
 * file or standard output (DL Streamer's gvametapublish, file method). Frames pass through.
 */
public final class OvMetaPublish extends BridgeBin {
    private static final Property.Text LOCATION = new Property.Text("location",
            "File to write one JSON object per frame to; - for standard output", "-",
            Property.Mutability.READY_ONLY);

    static final ElementSpec SPEC = new ElementSpec("ovmetapublish", "GstOvMetaPublish",
            "OpenVINO metadata publisher", "Sink/Metadata/Video",
            "Writes each frame's regions of interest as JSON Lines and passes the frame on", List.of(LOCATION),
            OvDetect.CAPS, OvDetect.CAPS, OvMetaPublish::new);

    private final StringBuilder line = new StringBuilder(256);
    private Writer writer;

    private OvMetaPublish(MemorySegment self, ElementSpec spec) {
        super(self, spec, FrameOps.MAP_READ);
    }

    @Override
    protected void start() throws IOException {
        String location = get(LOCATION);
        OutputStream out = location.equals("-") ? new FilterOutputStream(System.out) {
            @Override
            public void close() throws IOException {
                flush(); // standard output stays open for the rest of the process
            }
        } : Files.newOutputStream(Path.of(location));
        writer = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    }

    @Override
    protected void process(BufferFrame frame) throws IOException {
        line.setLength(0);
        JsonLines.append(line, new FrameMeta(frame.index(), frame.pts(), frame.layout().width(),
                frame.layout().height(), RoiMeta.read(frame.buffer())));
        writer.append(line);
        send(frame);
    }

    @Override
    protected void endOfStream() throws IOException {
        writer.flush();
        sendEos();
    }

    @Override
    protected void stop() {
        try {
            if (writer != null) {
                writer.close();
            }
        } catch (IOException e) {
            postWarning(ErrorKind.OPEN_WRITE, "could not finish writing " + get(LOCATION) + ": "
                    + e.getMessage(), null);
        }
        writer = null;
    }
}

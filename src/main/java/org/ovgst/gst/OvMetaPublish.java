package org.ovgst.gst;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.ovgst.files.UserFiles;
import org.ovgst.gst.meta.FrameMeta;
import org.ovgst.gst.meta.JsonLines;
import org.ovgst.gst.meta.LineOutput;

/**
 * {@code ovmetapublish}: one JSON object per frame (JSON Lines) with its regions of interest, to a
 * file or standard output (DL Streamer's gvametapublish, file method). Frames pass through. Each
 * frame's line is written before the frame goes on ({@link LineOutput}); the first write that fails
 * stops the stream with an error naming the file and the OS's reason.
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
    private LineOutput output;

    private OvMetaPublish(MemorySegment self, ElementSpec spec) {
        super(self, spec);
    }

    @Override
    protected void start() throws IOException {
        String location = get(LOCATION);
        if (location == null) {
            throw new IllegalArgumentException("property 'location' is not set: give a file to write to, or - for"
                    + " standard output");
        }
        output = LineOutput.open(location);
    }

    @Override
    protected void process(BufferFrame frame) {
        line.setLength(0);
        JsonLines.append(line, new FrameMeta(frame.index(), frame.pts(), frame.layout().width(),
                frame.layout().height(), RoiMeta.read(frame.buffer()),
                TensorMeta.read(frame.buffer())));
        try {
            output.write(line);
        } catch (IOException e) {
            discard(frame);
            fail(ErrorKind.WRITE, "could not write the record of frame " + frame.index() + " to " + output.name()
                    + ": " + UserFiles.reason(e), e.toString());
            return;
        }
        send(frame);
    }

    @Override
    protected void stop() {
        try {
            if (output != null) {
                output.close();
            }
        } catch (IOException e) {
            postWarning(ErrorKind.WRITE, "could not close " + output.name() + ": " + UserFiles.reason(e), null);
        }
        output = null;
    }
}

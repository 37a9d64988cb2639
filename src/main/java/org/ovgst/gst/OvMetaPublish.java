package org.ovgst.gst;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.ovgst.files.UserFiles;
import org.ovgst.gst.meta.FrameMeta;
import org.ovgst.gst.meta.JsonLines;
import org.ovgst.gst.meta.LineOutput;

/**
 * {@code ovmetapublish}: each frame's regions of interest and classifications as a JSON record in
 * DL Streamer's layout ({@link JsonLines}), to a file or standard output (DL Streamer's
 * gvametapublish, file method): one record a line ({@code file-format=json-lines}) or one JSON array
 * of them ({@code json}). Frames pass through. Each frame's record is written before the frame goes
 * on ({@link LineOutput}); the first write that fails stops the stream with an error naming the file
 * and the OS's reason.
 */
public final class OvMetaPublish extends BridgeBin {
    private static final Property.Text LOCATION = new Property.Text("location",
            "File to write the records to; - for standard output", "-", Property.Mutability.READY_ONLY);
    private static final Property.Choice FILE_FORMAT = new Property.Choice("file-format",
            "json-lines: one JSON record a line, written as each frame passes; json: one JSON array of the records,"
                    + " closed when the stream ends", "GstOvMetaPublishFileFormat",
            List.of(new Property.Choice.Value("json-lines", "JSON_LINES"), new Property.Choice.Value("json", "JSON")),
            "json-lines", Property.Mutability.READY_ONLY);
    private static final Property.Text SOURCE = new Property.Text("source",
            "Where the frames come from, published as each record's source (e.g. the camera's URI); unset, none",
            null, Property.Mutability.READY_ONLY);

    static final ElementSpec SPEC = new ElementSpec("ovmetapublish", "GstOvMetaPublish",
            "OpenVINO metadata publisher", "Sink/Metadata/Video",
            "Writes each frame's regions of interest and classifications as JSON (DL Streamer's layout) and passes"
                    + " the frame on",
            List.of(LOCATION, FILE_FORMAT, SOURCE), OvDetect.CAPS, OvDetect.CAPS, OvMetaPublish::new);

    private final StringBuilder line = new StringBuilder(256);
    private LineOutput output;
    /** file-format=json: whether the array's first record is written (the next one needs a comma). */
    private boolean array;
    private long written;
    private String source;

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
        array = get(FILE_FORMAT).equals("json");
        written = 0;
        source = get(SOURCE);
        output = LineOutput.open(location);
    }

    @Override
    protected void process(BufferFrame frame) {
        line.setLength(0);
        if (array) {
            line.append(written == 0 ? "[\n" : ",\n");
        }
        JsonLines.appendRecord(line, new FrameMeta(frame.index(), frame.streamTime(), frame.layout().width(),
                frame.layout().height(), source, RoiMeta.read(frame.buffer()), TensorMeta.read(frame.buffer())));
        if (!array) {
            line.append('\n');
        }
        try {
            output.write(line);
        } catch (IOException e) {
            discard(frame);
            fail(ErrorKind.WRITE, "could not write the record of frame " + frame.index() + " to " + output.name()
                    + ": " + UserFiles.reason(e), e.toString());
            return;
        }
        written++;
        send(frame);
    }

    @Override
    protected void stop() {
        if (output == null) {
            return;
        }
        try {
            if (array) {
                // The array's end, also when no frame came: the file is then "[]", still JSON.
                output.write(written == 0 ? "[]\n" : "\n]\n");
            }
            output.close();
        } catch (IOException e) {
            postWarning(ErrorKind.WRITE, "could not end " + output.name() + ": " + UserFiles.reason(e), null);
        }
        output = null;
    }
}

package org.ovgst.infer.preprocess;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import org.ovgst.infer.image.Box;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.infer.model.Normalization;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.ResizeAlgorithm;

/**
 * Writes u8 frames of one layout into a model's input tensor as OpenVINO's pre-processing does it
 * when {@code OpenVinoModel} builds it into the model, so a model on a remote server sees the
 * tensor a local one computes: the frame (or a box of it: a center crop, a region) resized to
 * where {@link InputGeometry} puts it, the rest padded, colors in the model's order,
 * {@code (value - mean) / scale}, the model's layout and element type.
 *
 * <p>The steps and their roundings are OpenVINO's (CPU plugin, checked against 2026.4.1 by
 * {@code PreprocessorTest}): packed and grey frames are resized on u8 (linear: the four neighbours
 * of the half-pixel source position weighted in f32 as its kernel does, rounded to the nearest
 * integer) and then
 * reordered; YUV frames are first converted to RGB on u8 at the frame's resolution
 * ({@link YuvToRgb}, each 2x2 block sharing its chroma), then resized the same way. Every model pixel
 * is computed from the frame pixels it reads, so the work grows with the model's size, not the
 * frame's: a YUV pixel converted for each of the four reads, rounded as OpenVINO rounds the one it
 * keeps.
 *
 * <p>Built once for a frame layout and a model input; each write allocates nothing (the tables, the
 * row buffers and the normalized element of each u8 level are made here; frame rows are copied to
 * them once, as array reads cost less than native ones). One thread at a time.
 */
public final class Preprocessor {
    private final FrameLayout frames;
    private final ModelInput input;
    private final InputGeometry geometry;
    private final boolean linear;
    private final SampleAxis columns;
    private final SampleAxis rows;
    /** For each column of the placed frame: the byte of its first and second read in a row of plane 0. */
    private final int[] firstByte;
    private final int[] secondByte;
    /** YUV: for each column, the byte of the chroma of its first and second read in a chroma row. */
    private final int[] firstChroma;
    private final int[] secondChroma;
    /**
     * For each model channel: its byte in a packed frame's pixel; for YUV frames, 0, 1 or 2 for
     * R, G, B.
     */
    private final int[] channelSource;
    /** For each model channel, the element (bits of its type) each u8 level becomes. */
    private final int[][] levels;
    /** The u8 values of one row of the placed frame, per model channel. */
    private final int[][] values;
    /** One row of elements in the tensor's order (a heap segment, copied out in bulk). */
    private final MemorySegment row;
    /** A full row of padding in the tensor's order. */
    private final MemorySegment paddingRow;
    /** The box of the frame the tables were made for. */
    private Box source;
    /**
     * The two frame rows a placed row reads (for YUV also their chroma rows), copied from the frame
     * once: array reads cost less than native ones.
     */
    private final byte[] topRow;
    private final byte[] bottomRow;
    private final byte[] topU;
    private final byte[] bottomU;
    private final byte[] topV;
    private final byte[] bottomV;

    /**
     * @param frames the layout of every frame given to {@link #write}
     * @param input the model's input
     * @param geometry where the frame lies in the input; its input size is the model input's
     * @param resize {@code LINEAR} or {@code NEAREST}
     * @param padValue the padding's channel value, 0-255, before the normalization
     * @param crop the box of the frame that is resized to the placed part of the input (a center
     *     crop), or {@code null} for the whole frame
     * @throws IllegalArgumentException for a frame format the input cannot take, geometry of
     *     another size, or a cubic resize
     */
    public Preprocessor(FrameLayout frames, ModelInput input, InputGeometry geometry, ResizeAlgorithm resize,
            float padValue, Box crop) {
        PixelFormat format = frames.format();
        if (format.hasColor() != (input.channels() == 3)) {
            throw new IllegalArgumentException(input.channels() == 3 ? "a model input of 3 channels takes color"
                    + " frames, not " + format + ": convert them to BGR first"
                    : "a model input of 1 channel takes GRAY8 frames (or a YUV frame's luma plane), not " + format);
        }
        if (geometry.inputWidth() != input.width() || geometry.inputHeight() != input.height()
                || geometry.frameWidth() != frames.width() || geometry.frameHeight() != frames.height()) {
            throw new IllegalArgumentException("geometry " + geometry + " does not fit " + frames.width() + "x"
                    + frames.height() + " frames into a " + input.width() + "x" + input.height() + " input");
        }
        if (resize == ResizeAlgorithm.CUBIC) {
            throw new IllegalArgumentException("resize=cubic has no Java pre-processing (for a remote model):"
                    + " use resize=linear or resize=nearest");
        }
        if (!(padValue >= 0 && padValue <= 255)) {
            throw new IllegalArgumentException("pad value " + padValue + " is not a channel value: use 0 to 255");
        }
        this.frames = frames;
        this.input = input;
        this.geometry = geometry;
        this.linear = resize == ResizeAlgorithm.LINEAR;
        int width = geometry.placedWidth();
        columns = new SampleAxis(width);
        rows = new SampleAxis(geometry.placedHeight());
        firstByte = new int[width];
        secondByte = new int[width];
        firstChroma = format.isPacked() ? null : new int[width];
        secondChroma = format.isPacked() ? null : new int[width];
        channelSource = channelSources(format, input);
        int channels = input.channels();
        levels = new int[channels][256];
        int[] padding = new int[channels];
        Normalization normalization = input.normalization();
        for (int c = 0; c < channels; c++) {
            float mean = value(normalization.meanValues(), c);
            float scale = value(normalization.scaleValues(), c);
            // OpenVINO folds (value - mean) / scale into one multiply-add by 1 / scale (to the bit on
            // 2026.4.1); OpenVinoModel computes the padding's value in Java, as here.
            float inverse = 1f / scale;
            float offset = -mean * inverse;
            for (int level = 0; level < 256; level++) {
                levels[c][level] = element(input.type(), Math.fma(level, inverse, offset));
            }
            padding[c] = element(input.type(), (padValue - mean) / scale);
        }
        values = new int[channels][width];
        row = MemorySegment.ofArray(new byte[input.width() * channels * input.type().byteSize()]);
        paddingRow = MemorySegment.ofArray(new byte[input.width() * channels * input.type().byteSize()]);
        for (int x = 0; x < input.width(); x++) {
            for (int c = 0; c < channels; c++) {
                put(paddingRow, index(c, x, input.width()), padding[c]);
            }
        }
        topRow = new byte[Math.toIntExact(frames.rowBytes(0))];
        bottomRow = new byte[topRow.length];
        int chromaBytes = format.isPacked() ? 0 : Math.toIntExact(frames.rowBytes(1));
        topU = new byte[chromaBytes];
        bottomU = new byte[chromaBytes];
        topV = new byte[format == PixelFormat.I420 ? chromaBytes : 0];
        bottomV = new byte[topV.length];
        tables(crop == null ? new Box(0, 0, frames.width(), frames.height()) : crop);
    }

    /** The geometry frames are placed by. */
    public InputGeometry geometry() {
        return geometry;
    }

    /** Writes {@code frame} (laid out as this was built for) into image {@code index} of {@code tensor}. */
    public void write(MemorySegment frame, MemorySegment tensor, int index) {
        write(frame, source, tensor, index);
    }

    /**
     * Writes box {@code region} of {@code frame} into image {@code index} of {@code tensor}, resized to
     * the placed part of the input as OpenVINO crops and resizes (its center crop): a region a
     * classifier sees. The tables are remade in place when the box changes. ovclassify's local path
     * resizes regions with {@code CropResizer} instead, which rounds a few values one level apart;
     * its model-size crop given to a pre-processor of that size gives the local tensor to the bit.
     *
     * @throws IllegalArgumentException when the box is empty or leaves the frame, or the tensor has no
     *     image {@code index}
     */
    public void write(MemorySegment frame, Box region, MemorySegment tensor, int index) {
        long imageBytes = input.imageBytes();
        if (index < 0 || (index + 1) * imageBytes > tensor.byteSize()) {
            throw new IllegalArgumentException("a tensor of " + tensor.byteSize() + " bytes has no image " + index
                    + " of " + imageBytes + " bytes");
        }
        if (frame.byteSize() < frames.extent()) {
            throw new IllegalArgumentException("a frame of " + frame.byteSize() + " bytes is smaller than " + frames
                    + " needs (" + frames.extent() + ")");
        }
        if (!region.equals(source)) {
            tables(region);
        }
        long base = index * imageBytes;
        for (int y = 0; y < input.height(); y++) {
            int placedRow = y - geometry.top();
            if (placedRow < 0 || placedRow >= geometry.placedHeight()) {
                copyRow(paddingRow, input.width(), tensor, base, y, 0, input.width());
                continue;
            }
            if (frames.format().isPacked()) {
                packedRow(frame, placedRow);
            } else {
                yuvRow(frame, placedRow);
            }
            emit(tensor, base, y);
        }
    }

    /** The sample tables for box {@code box} of the frame. */
    private void tables(Box box) {
        if (box.width() <= 0 || box.height() <= 0 || box.x() < 0 || box.y() < 0
                || box.x() + box.width() > frames.width() || box.y() + box.height() > frames.height()) {
            throw new IllegalArgumentException("box " + box + " is not inside the " + frames.width() + "x"
                    + frames.height() + " frame: give a box of at least one pixel inside it");
        }
        columns.fill(box.x(), box.width(), linear);
        rows.fill(box.y(), box.height(), linear);
        PixelFormat format = frames.format();
        int pixel = format.pixelStride();
        int chromaStep = format == PixelFormat.NV12 ? 2 : 1;
        for (int x = 0; x < columns.size(); x++) {
            firstByte[x] = columns.first[x] * pixel;
            secondByte[x] = columns.second[x] * pixel;
            if (firstChroma != null) {
                firstChroma[x] = columns.first[x] / 2 * chromaStep;
                secondChroma[x] = columns.second[x] / 2 * chromaStep;
            }
        }
        source = box;
    }

    /** Row {@code y} of the placed frame from a packed (or grey) frame: interpolated on u8 and rounded. */
    private void packedRow(MemorySegment frame, int y) {
        load(frame, 0, rows.first[y], topRow);
        load(frame, 0, rows.second[y], bottomRow);
        byte[] top = topRow;
        byte[] bottom = bottomRow;
        float up = rows.firstWeight[y];
        float down = rows.secondWeight[y];
        int width = columns.size();
        float[] leftWeight = columns.firstWeight;
        float[] rightWeight = columns.secondWeight;
        for (int c = 0; c < channelSource.length; c++) {
            int[] out = values[c];
            int channel = channelSource[c];
            for (int x = 0; x < width; x++) {
                int left = firstByte[x] + channel;
                int right = secondByte[x] + channel;
                out[x] = blend(top[left] & 0xff, top[right] & 0xff, bottom[left] & 0xff, bottom[right] & 0xff,
                        leftWeight[x], rightWeight[x], up, down);
            }
        }
    }

    /** Copies the pixels of row {@code y} of {@code plane} into {@code into}. */
    private void load(MemorySegment frame, int plane, int y, byte[] into) {
        MemorySegment.copy(frame, JAVA_BYTE, frames.offset(plane) + (long) y * frames.stride(plane), into, 0,
                into.length);
    }

    /**
     * Row {@code y} of the placed frame from a YUV frame: each of the four pixels read converted to
     * RGB and rounded (OpenVINO converts the whole frame first), then interpolated and rounded.
     */
    private void yuvRow(MemorySegment frame, int y) {
        boolean nv12 = frames.format() == PixelFormat.NV12;
        load(frame, 0, rows.first[y], topRow);
        load(frame, 0, rows.second[y], bottomRow);
        load(frame, 1, rows.first[y] / 2, topU);
        load(frame, 1, rows.second[y] / 2, bottomU);
        if (!nv12) {
            load(frame, 2, rows.first[y] / 2, topV);
            load(frame, 2, rows.second[y] / 2, bottomV);
        }
        byte[] lumaTop = topRow;
        byte[] lumaBottom = bottomRow;
        byte[] uTop = topU;
        byte[] uBottom = bottomU;
        // NV12 interleaves U and V: V is the byte after U.
        byte[] vTop = nv12 ? topU : topV;
        byte[] vBottom = nv12 ? bottomU : bottomV;
        int vStep = nv12 ? 1 : 0;
        float up = rows.firstWeight[y];
        float down = rows.secondWeight[y];
        int[] red = values[channelSource[0]];
        int[] green = values[channelSource[1]];
        int[] blue = values[channelSource[2]];
        for (int x = 0; x < columns.size(); x++) {
            int left = columns.first[x];
            int right = columns.second[x];
            int leftChroma = firstChroma[x];
            int rightChroma = secondChroma[x];
            float leftWeight = columns.firstWeight[x];
            float rightWeight = columns.secondWeight[x];
            // The four reads: top left, top right, bottom left, bottom right.
            int tlY = lumaTop[left] & 0xff;
            int trY = lumaTop[right] & 0xff;
            int blY = lumaBottom[left] & 0xff;
            int brY = lumaBottom[right] & 0xff;
            int tlU = uTop[leftChroma] & 0xff;
            int trU = uTop[rightChroma] & 0xff;
            int blU = uBottom[leftChroma] & 0xff;
            int brU = uBottom[rightChroma] & 0xff;
            int tlV = vTop[leftChroma + vStep] & 0xff;
            int trV = vTop[rightChroma + vStep] & 0xff;
            int blV = vBottom[leftChroma + vStep] & 0xff;
            int brV = vBottom[rightChroma + vStep] & 0xff;
            red[x] = blend(YuvToRgb.red(tlY, tlV), YuvToRgb.red(trY, trV), YuvToRgb.red(blY, blV),
                    YuvToRgb.red(brY, brV), leftWeight, rightWeight, up, down);
            green[x] = blend(YuvToRgb.green(tlY, tlU, tlV), YuvToRgb.green(trY, trU, trV),
                    YuvToRgb.green(blY, blU, blV), YuvToRgb.green(brY, brU, brV), leftWeight, rightWeight, up, down);
            blue[x] = blend(YuvToRgb.blue(tlY, tlU), YuvToRgb.blue(trY, trU), YuvToRgb.blue(blY, blU),
                    YuvToRgb.blue(brY, brU), leftWeight, rightWeight, up, down);
        }
    }

    /**
     * Four u8 values weighted, rounded to the nearest (halves to even): in the order and with the
     * fused multiply-adds of OpenVINO's CPU kernel, which gives its results to the bit (a plain
     * {@code a * b + c} rounds some values the other way: 31 in 150 000 on a 2.5x upscale).
     */
    private static int blend(int topLeft, int topRight, int bottomLeft, int bottomRight, float leftWeight,
            float rightWeight, float up, float down) {
        float upper = Math.fma(topLeft, leftWeight, topRight * rightWeight);
        float lower = Math.fma(bottomLeft, leftWeight, bottomRight * rightWeight);
        return (int) Math.rint(Math.fma(lower, down, upper * up));
    }

    /** Writes the values of the placed row as tensor row {@code y}, with the padding left and right of it. */
    private void emit(MemorySegment tensor, long base, int y) {
        int width = geometry.placedWidth();
        int left = geometry.left();
        for (int c = 0; c < values.length; c++) {
            int[] level = levels[c];
            int[] value = values[c];
            for (int x = 0; x < width; x++) {
                put(row, index(c, x, width), level[value[x]]);
            }
        }
        copyRow(paddingRow, input.width(), tensor, base, y, 0, left);
        copyRow(row, width, tensor, base, y, left, width);
        int right = left + width;
        copyRow(paddingRow, input.width(), tensor, base, y, right, input.width() - right);
    }

    /**
     * Copies the first {@code count} pixels of a row buffer {@code rowWidth} pixels wide (in the
     * tensor's order) into tensor row {@code y} from column {@code x}.
     */
    private void copyRow(MemorySegment from, int rowWidth, MemorySegment tensor, long base, int y, int x,
            int count) {
        if (count == 0) {
            return;
        }
        int bytes = input.type().byteSize();
        int channels = input.channels();
        if (!input.channelsFirst()) {
            MemorySegment.copy(from, 0, tensor,
                    base + ((long) y * input.width() + x) * channels * bytes, (long) count * channels * bytes);
            return;
        }
        long plane = (long) input.width() * input.height();
        for (int c = 0; c < channels; c++) {
            MemorySegment.copy(from, (long) c * rowWidth * bytes, tensor,
                    base + (c * plane + (long) y * input.width() + x) * bytes, (long) count * bytes);
        }
    }

    /** Where channel {@code c} of pixel {@code x} lies in a row buffer {@code width} pixels wide. */
    private int index(int c, int x, int width) {
        return input.channelsFirst() ? c * width + x : x * input.channels() + c;
    }

    private void put(MemorySegment buffer, int index, int element) {
        switch (input.type()) {
            case F32 -> buffer.set(JAVA_INT_UNALIGNED, (long) index * 4, element);
            case F16 -> buffer.set(JAVA_SHORT_UNALIGNED, (long) index * 2, (short) element);
            default -> buffer.set(JAVA_BYTE, index, (byte) element); // u8: ModelInput takes no other
        }
    }

    /**
     * The bits of {@code value} as an element of {@code type}. u8 as OpenVINO converts the f32 its
     * pre-processing ends with into a u8 model input (checked on 2026.4.1): truncated toward zero and
     * wrapped, -4.5 becoming 252, so a normalization that leaves 0-255 gives the same bytes as locally.
     */
    private static int element(ElementType type, float value) {
        return switch (type) {
            case F32 -> Float.floatToRawIntBits(value);
            case F16 -> Float.floatToFloat16(value);
            default -> (int) value & 0xff; // u8: ModelInput takes no other
        };
    }

    private static float value(float[] values, int channel) {
        return values.length == 1 ? values[0] : values[channel];
    }

    /** For each model channel, where it comes from in a frame of {@code format} (see {@link #channelSource}). */
    private static int[] channelSources(PixelFormat format, ModelInput input) {
        if (input.channels() == 1) {
            return new int[] {0};
        }
        boolean frameRgb = format == PixelFormat.RGB || format == PixelFormat.RGBX || !format.isPacked();
        boolean modelRgb = input.color() == ModelColor.RGB;
        return frameRgb == modelRgb ? new int[] {0, 1, 2} : new int[] {2, 1, 0};
    }
}

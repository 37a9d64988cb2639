package org.ovgst.gst.elements;

import static org.ovgst.gst.elements.InferenceProperties.INPUT_OFFSET;
import static org.ovgst.gst.elements.InferenceProperties.INPUT_SCALE;
import static org.ovgst.gst.elements.InferenceProperties.MEAN_VALUES;
import static org.ovgst.gst.elements.InferenceProperties.MODEL_COLOR;
import static org.ovgst.gst.elements.InferenceProperties.SCALE_VALUES;

import java.util.List;
import java.util.Optional;
import org.ovgst.gst.gobject.Element;
import org.ovgst.gst.gobject.Property;
import org.ovgst.infer.engine.EngineSettings;
import org.ovgst.infer.model.ImageInput;
import org.ovgst.infer.model.KnownModels.InputConvention;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.infer.model.ModelInfo;
import org.ovgst.infer.model.Normalization;

/**
 * How the elements that take any image model (ovprocess, ovclassify) feed it: the color order and
 * normalization of their image-input properties, a known model's own where they are unset.
 */
final class ImageInputProperties {
    private ImageInputProperties() {}

    /** {@code model-color} (of elements that have it); unset, a known model's own, else RGB. */
    static ModelColor modelColor(Element element, ModelInfo model) {
        if (!element.isSet(MODEL_COLOR)) {
            Optional<InputConvention> known = model.knownInput();
            if (known.isPresent()) {
                return known.get().color();
            }
        }
        return element.get(MODEL_COLOR).equals("bgr") ? ModelColor.BGR : ModelColor.RGB;
    }

    /**
     * {@code settings} with the color order and the normalization of {@code model-color} and
     * {@code input-scale}/{@code input-offset} or {@code mean-values}/{@code scale-values} for the
     * model's image input {@code input}; a known model's own where they are unset.
     */
    static EngineSettings withImageInput(Element element, EngineSettings settings, ImageInput input, ModelInfo model) {
        return settings.withModelColor(modelColor(element, model))
                .withNormalization(normalization(element, input, model));
    }

    private static Normalization normalization(Element element, ImageInput input, ModelInfo model) {
        boolean linear = element.isSet(INPUT_SCALE) || element.isSet(INPUT_OFFSET);
        boolean perChannel = element.isSet(MEAN_VALUES) || element.isSet(SCALE_VALUES);
        if (linear && perChannel) {
            throw new IllegalArgumentException("input-scale/input-offset and mean-values/scale-values are both set:"
                    + " they say the same thing two ways; set one pair");
        }
        if (perChannel) {
            return new Normalization(channelValues(element, MEAN_VALUES, 0, input),
                    channelValues(element, SCALE_VALUES, 1, input));
        }
        if (!linear) {
            Optional<InputConvention> known = model.knownInput();
            if (known.isPresent()) {
                return known.get().normalization();
            }
        }
        double scale = element.get(INPUT_SCALE);
        if (scale == 0) {
            throw new IllegalArgumentException("property 'input-scale' is 0, which gives the model the same value for"
                    + " every pixel: use a factor other than 0, e.g. 0.00392156862745098 (1/255) for [0, 1]");
        }
        // (pixel - mean) / scale' = pixel * input-scale + input-offset
        return Normalization.uniform((float) (-element.get(INPUT_OFFSET) / scale), (float) (1 / scale));
    }

    /**
     * The values of {@code mean-values} or {@code scale-values} (their form was checked when the
     * element started), {@code unset} when not set: one for every channel, or one per channel of the
     * model's input.
     */
    private static List<Float> channelValues(Element element, Property.Text property, float unset, ImageInput input) {
        String text = element.get(property);
        if (text == null) {
            return List.of(unset);
        }
        List<Float> values = Normalization.parseValues(text, property == SCALE_VALUES);
        int channels = input.channels();
        if (!Normalization.fits(values, channels)) {
            throw new IllegalArgumentException("property '" + property.name() + "' has " + values.size() + " values ("
                    + text.strip() + "); the model's input '" + input.name() + "' has " + channels
                    + (channels == 1 ? " channel: give one value" : " channels: give one value or " + channels));
        }
        return values;
    }
}

/**
 * What a model file says, read before anything is compiled: the input the frames go to
 * ({@link org.ovgst.infer.model.ImageInput}) and an output that is an image
 * ({@link org.ovgst.infer.model.ImageOutput}), the input size to reshape to
 * ({@link org.ovgst.infer.model.InputSize}), the color order and mean/scale the model takes
 * ({@link org.ovgst.infer.model.ModelColor}, {@link org.ovgst.infer.model.Normalization}), its
 * class names ({@link org.ovgst.infer.model.Labels}, {@link org.ovgst.infer.model.LabelMap}), the
 * metadata ONNX and IR files carry ({@link org.ovgst.infer.model.ModelMetadata}) and the models
 * ovgst ships ({@link org.ovgst.infer.model.KnownModels}). It is the bottom of the inference
 * packages: it knows OpenVINO's ports but no frame and no scheduler, so the engine, the pixel code
 * and the converters all read it without a cycle.
 */
package org.ovgst.infer.model;

/**
 * Frames and where things lie in them, in plain Java: pixel formats and frame layouts
 * ({@link org.ovgst.infer.image.PixelFormat}, {@link org.ovgst.infer.image.FrameLayout}), where a
 * frame lies in the model's input and how boxes map back ({@link org.ovgst.infer.image.InputGeometry}),
 * bilinear resizing ({@link org.ovgst.infer.image.BilinearTable},
 * {@link org.ovgst.infer.image.ChromaScaler}) and model outputs turned into pixels
 * ({@link org.ovgst.infer.image.OutputPixels}, {@link org.ovgst.infer.image.MaskAlpha}). The value
 * types that pass between the engine, the converters, the tracker and the elements,
 * {@link org.ovgst.infer.image.Box} and {@link org.ovgst.infer.image.Detection}, live here because
 * {@code InputGeometry} maps detections and every one of those users sits above this package. It
 * reads only {@code model} (the output it makes pixels of is a model's {@code ImageOutput}).
 */
package org.ovgst.infer.image;

/**
 * OpenVINO's pre-processing, as {@code infer/openvino} builds it into a model, done in Java: a u8 frame
 * in its own format ({@link org.ovgst.infer.image.PixelFormat}) written into a model's input tensor
 * at the model's size, so that a remote server gets only model-size tensors and sees what the local
 * model sees ({@link org.ovgst.infer.preprocess.Preprocessor}). Reads {@code image} and {@code model}.
 */
package org.ovgst.infer.preprocess;

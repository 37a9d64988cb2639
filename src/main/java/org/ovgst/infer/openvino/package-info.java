/**
 * The local inference backend: OpenVINO in this process, behind the engine's
 * {@link org.ovgst.infer.engine.Backend} seam. {@code OpenVinoModel} reads the model once and
 * compiles it per frame geometry with the pre-processing built into the graph (OpenVINO's
 * pre/post-processor); {@code OpenVinoPrepared} is the compiled model; {@code OpenVinoRequest} an
 * infer request with its tensors; {@code FrameTensors} gives frames in place as wrapped tensors.
 * The only package of {@code infer} that calls {@code org.ovgst.openvino}'s runtime.
 */
package org.ovgst.infer.openvino;

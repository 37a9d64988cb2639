/**
 * Inference without GStreamer, in sub-packages that depend one way: {@code model} (what a model
 * file says) is read by {@code image} (frames, boxes and pixels), both by {@code engine} (the
 * scheduler), and all three by the converters that give results a meaning ({@code detect}, with
 * the anchor-SSD decoder beside its converter; {@code classify}; {@code track}). The engine runs
 * models on a backend behind its seam; {@code openvino}, the local one, implements it and is the
 * only sub-package that runs OpenVINO; {@code kserve} is a client of remote inference servers (KServe v2
 * gRPC: Triton, OpenVINO Model Server). This package holds
 * only {@link org.ovgst.infer.InferenceException}, which every one of them throws and the elements
 * report as it is: it depends on none of them.
 */
package org.ovgst.infer;

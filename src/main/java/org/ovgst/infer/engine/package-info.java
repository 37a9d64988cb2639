/**
 * The scheduler: {@link org.ovgst.infer.engine.InferenceEngine} runs a model on one stream of frames
 * with a pool of requests and hands results back in submission order, batching, waiting for room and
 * flushing. The engine is the submitting side, with {@code FrameInput} (a frame copied or given in
 * place); {@code Delivery} is the results side (the delivery thread, ordered release through
 * {@code DeliveryOrder}, the {@link org.ovgst.infer.engine.ResultSink}); {@code ModelInstance} shares
 * one model between engines, with a {@code RequestPool} of {@code RequestSlot}s per frame geometry.
 * Below it, the backend seam: a {@link org.ovgst.infer.engine.Backend} reads a model
 * ({@link org.ovgst.infer.engine.BackendModel}), prepares it for a frame layout as
 * {@link org.ovgst.infer.engine.EngineSettings} say ({@link org.ovgst.infer.engine.PreparedModel}:
 * reshaped, pre-processing built in) and runs its {@link org.ovgst.infer.engine.Request}s; giving
 * frames in place ({@link org.ovgst.infer.engine.InPlaceFrames}) and exporting are capabilities a
 * backend may lack. OpenVINO's implementation is {@code org.ovgst.infer.openvino}, found as a
 * {@link java.util.ServiceLoader} service, so the scheduler names no backend. Public: the engine, its
 * settings, the sink, {@link org.ovgst.infer.engine.InferenceResults} and the seam; the rest works
 * together here, package private. It reads {@code model} and {@code image}; the converters read it
 * for the results.
 */
package org.ovgst.infer.engine;

/**
 * The scheduler: {@link org.ovgst.infer.engine.InferenceEngine} runs a model on one stream of frames
 * with a pool of requests and hands results back in submission order, batching, waiting for room and
 * flushing. The engine is the submitting side, with {@code FrameInput} (a frame copied or given in
 * place); {@code Delivery} is the results side (the delivery thread, ordered release through
 * {@code DeliveryOrder}, the {@link org.ovgst.infer.engine.ResultSink}); {@code ModelInstance} shares
 * one model between engines, with a {@code RequestPool} of {@code RequestSlot}s per frame geometry;
 * {@code ModelPreparation} reads, reshapes and builds pre-processing into the model, as
 * {@link org.ovgst.infer.engine.EngineSettings} say. Only the engine, its settings, the sink and
 * {@link org.ovgst.infer.engine.InferenceResults} are public; the rest works together here, package
 * private. It reads {@code model} and {@code image}; the converters read it for the results.
 */
package org.ovgst.infer.engine;

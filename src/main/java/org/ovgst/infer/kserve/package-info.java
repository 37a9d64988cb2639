/**
 * Inference on a remote server that speaks the KServe v2 / Open Inference Protocol over gRPC (NVIDIA
 * Triton, OpenVINO Model Server, KServe): {@link org.ovgst.infer.kserve.KServeClient} is one channel
 * to one server with the protocol's calls typed (readiness, a model's metadata as a
 * {@link org.ovgst.infer.engine.ModelDescription}, asynchronous inference on raw tensor contents
 * with a deadline), its failures {@link org.ovgst.infer.InferenceException}s that name the server,
 * the model and what it serves; {@link org.ovgst.infer.kserve.Datatypes} maps the protocol's data
 * types to the project's element types. The messages and stubs are generated at build time from
 * {@code src/main/proto/grpc_predict_v2.proto} into {@code org.ovgst.infer.kserve.v2}.
 */
package org.ovgst.infer.kserve;

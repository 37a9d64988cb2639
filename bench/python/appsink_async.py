#!/usr/bin/python3
"""Bench peer: appsink frames into OpenVINO's AsyncInferQueue, documented pre-processing order.

Each frame pulled from `<source> ! appsink` is queued with `AsyncInferQueue.start_async`, which
copies it into a free request and returns (it waits only when every request is busy); a callback
on OpenVINO's threads takes the outputs when an inference completes. The queue has OpenVINO's
optimal number of requests (jobs=0) and the model is compiled with PERFORMANCE_HINT THROUGHPUT.
Pre-processing in OpenVINO's documented order: u8 BGR frame -> f32 -> model's colors -> resize
(linear) -> mean -> scale. Unlike appsink_sync.py, several frames are in flight; unlike
appsink_async_fast.py, the color conversion and the resize run on f32 at the frame's size.
peer_common.py has the command line (--help) and the result line.
"""

import openvino as ov

import peer_common as common


def main(peer="appsink_async", order=common.DOCUMENTED, doc=__doc__):
    """The peer named `peer`, with the pre-processing in `order` (appsink_async_fast.py: FAST)."""
    args = common.parse_args(doc.splitlines()[0])
    compiled_model = common.compile_model(args, order, common.THROUGHPUT)
    results = common.Results(peer, args)

    def completed(request, index):
        # The request's outputs stay valid until this returns; then the queue reuses it.
        results.completed(index, request.get_output_tensor(0).data)

    queue = ov.AsyncInferQueue(compiled_model, 0)
    queue.set_callback(completed)
    for index, frame in enumerate(common.frames(args)):
        queue.start_async(frame, index)
    queue.wait_all()
    results.report()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Bench peer: appsink frames into OpenVINO's AsyncInferQueue, resize first (the fast order).

As appsink_async.py (AsyncInferQueue with OpenVINO's optimal number of requests, PERFORMANCE_HINT
THROUGHPUT, a callback that takes the outputs), but with the pre-processing steps reordered:
resize (linear) on the frame's u8 bytes first, then model's colors -> f32 -> mean -> scale, so
everything after the resize runs at the model's input size instead of the frame's. The input
differs from the documented order's only by the rounding of the resized values to u8.
peer_common.py has the command line (--help) and the result line.
"""

import openvino as ov

import peer_common as common


def main():
    args = common.parse_args(__doc__.splitlines()[0])
    compiled_model = common.compile_model(args, common.FAST, common.THROUGHPUT)
    results = common.Results("appsink_async_fast", args)

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

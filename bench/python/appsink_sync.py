#!/usr/bin/python3
"""Bench peer: appsink frames, one synchronous OpenVINO inference after another.

Each frame pulled from `<source> ! appsink` goes straight into `compiled_model(frame)`, which
returns when the inference is done: one inference at a time, on the thread that pulls the frames
(like ovdetect async=false). The model is compiled with PERFORMANCE_HINT LATENCY, which suits one
request at a time. Pre-processing in OpenVINO's documented order: u8 BGR frame -> f32 -> model's
colors -> resize (linear) -> mean -> scale. appsink_async.py runs the same pre-processing with
several requests in flight; appsink_async_fast.py also resizes first. peer_common.py has the
command line (--help) and the result line.
"""

import peer_common as common


def main():
    args = common.parse_args(__doc__.splitlines()[0])
    compiled_model = common.compile_model(args, common.DOCUMENTED, common.LATENCY)
    results = common.Results("appsink_sync", args)
    for index, frame in enumerate(common.frames(args)):
        outputs = compiled_model(frame)
        results.completed(index, outputs[0])
    results.report()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Bench peer: appsink frames into OpenVINO's AsyncInferQueue, resize first (the fast order).

As appsink_async.py (AsyncInferQueue with OpenVINO's optimal number of requests, PERFORMANCE_HINT
THROUGHPUT, a callback that takes the outputs), but with the pre-processing steps reordered:
resize (linear) on the frame's u8 bytes first, then model's colors -> f32 -> mean -> scale, so
everything after the resize runs at the model's input size instead of the frame's. The input
differs from the documented order's only by the rounding of the resized values to u8.
peer_common.py has the command line (--help) and the result line.
"""

import appsink_async
import peer_common as common

if __name__ == "__main__":
    appsink_async.main("appsink_async_fast", common.FAST, __doc__)

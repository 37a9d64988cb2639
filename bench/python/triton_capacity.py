#!/usr/bin/python3
"""Bench peer: a served model's capacity as Triton's own Python client measures it.

tritonclient[grpc]'s async_infer with the input in raw contents, IN_FLIGHT requests always in
flight (perf_analyzer's concurrency mode), on a random tensor of the model's input shape (batch
1), for SECONDS after a warm-up; prints {"fps": N}: inferences per second.
Run with .venv-triton/bin/python: bench/python/triton_capacity.py ADDRESS MODEL IN_FLIGHT SECONDS
"""

import json
import sys
import threading
import time

import numpy as np
import tritonclient.grpc as grpcclient


def main():
    address, model, in_flight, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    client = grpcclient.InferenceServerClient(address)
    metadata = client.get_model_metadata(model, as_json=True)
    port = metadata["inputs"][0]
    shape = [1 if int(d) < 0 else int(d) for d in port["shape"]]
    dtype = {"FP32": np.float32, "FP16": np.float16, "UINT8": np.uint8}[port["datatype"]]
    data = np.random.default_rng(7).random(shape).astype(dtype)
    tensor = grpcclient.InferInput(port["name"], shape, port["datatype"])
    tensor.set_data_from_numpy(data)
    lock = threading.Condition()
    state = {"done": 0, "running": 0, "failed": None, "counting": False, "counted": 0}

    def completed(result, error):
        with lock:
            state["running"] -= 1
            if error is not None:
                state["failed"] = str(error)
            elif state["counting"]:
                state["counted"] += 1
            lock.notify()

    def run_for(duration, counting):
        with lock:
            state["counting"] = counting
        end = time.perf_counter() + duration
        while time.perf_counter() < end:
            with lock:
                while state["running"] >= in_flight:
                    lock.wait()
                if state["failed"]:
                    sys.exit("triton_capacity: " + state["failed"])
                state["running"] += 1
            client.async_infer(model, [tensor], completed)

    run_for(2.0, False)
    start = time.perf_counter()
    run_for(seconds, True)
    with lock:
        while state["running"] > 0:
            lock.wait()
    elapsed = time.perf_counter() - start
    print(json.dumps({"fps": state["counted"] / elapsed, "in_flight": in_flight}))


if __name__ == "__main__":
    main()

"""Runs a model with OpenVINO's Python API on CPU: the reference for a model served elsewhere.

  openvino_run.py MODEL OUT_DIR NAME=INPUT.npy [NAME=INPUT.npy ...]   run it; writes OUT_DIR/<i>.npy
  openvino_run.py --ports MODEL                                       its ports as read, one a line

Running: the model is reshaped to the inputs' shapes, compiled for CPU with OpenVINO's defaults (as
scripts/triton/openvino_model.py compiles it), and output i (in the model's order) is written to
OUT_DIR/i.npy; prints one line per output: its name, element type and shape.
--ports prints "input|output NAME TYPE SHAPE" per port, SHAPE in OpenVINO's notation ([?,3,?,?]).
"""

import sys
from pathlib import Path

import numpy as np
import openvino as ov


def ports(model_file):
    model = ov.Core().read_model(model_file)
    for kind, side in (("input", model.inputs), ("output", model.outputs)):
        for p in side:
            print(kind, p.get_any_name(), p.get_element_type().get_type_name(), p.get_partial_shape())


def run(model_file, out_dir, specs):
    feeds = {}
    for spec in specs:
        name, _, file = spec.partition("=")
        feeds[name] = np.load(file)
    core = ov.Core()
    model = core.read_model(model_file)
    model.reshape({name: ov.PartialShape(list(a.shape)) for name, a in feeds.items()})
    compiled = core.compile_model(model, "CPU")
    results = compiled.create_infer_request().infer(feeds)
    for i, port in enumerate(compiled.outputs):
        array = results[port]
        np.save(Path(out_dir) / f"{i}.npy", array)
        print(port.get_any_name(), port.get_element_type().get_type_name(), list(array.shape))


if __name__ == "__main__":
    if sys.argv[1] == "--ports":
        ports(sys.argv[2])
    else:
        run(sys.argv[1], sys.argv[2], sys.argv[3:])

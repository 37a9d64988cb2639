"""Triton Python-backend model that runs any model OpenVINO reads (IR .xml, .onnx, .tflite) on CPU.

Triton 2.51 from PyPI's nvidia-pytriton has no OpenVINO backend, only the Python one: this file, copied
as <repository>/<name>/1/model.py by model_repository.py, serves the project's models to the tests and
the bench. The stub imports openvino from the python3 first on PATH (the .venv-triton of set-up).

Parameters of config.pbtxt (string values):
  model_file  the model, an absolute path (required)
  config      OpenVINO compile properties KEY=VALUE,... (as the elements' config property), optional
  delay_ms    sleep this long in every execution, for tests of a slow server (default 0)

With max_batch_size > 0 Triton's dynamic batcher may hand several requests to one execute(): their
inputs are concatenated along the batch axis, run once, and the outputs split back by each request's
batch size, so the model must have a batch axis 0 on its inputs and outputs (model_repository.py only
sets max_batch_size for such models).
"""

import json
import time

import numpy as np
import openvino as ov
import triton_python_backend_utils as pb_utils


def _compile_properties(spec):
    properties = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key, sep, value = item.partition("=")
        if not sep:
            raise pb_utils.TritonModelException(f"config: '{item}' is not KEY=VALUE")
        properties[key.strip()] = value.strip()
    return properties


class TritonPythonModel:
    def initialize(self, args):
        config = json.loads(args["model_config"])
        params = {k: v["string_value"] for k, v in config.get("parameters", {}).items()}
        if "model_file" not in params:
            raise pb_utils.TritonModelException(
                f"model {args['model_name']}: config.pbtxt has no parameter model_file (the OpenVINO model to run)")
        self.delay = float(params.get("delay_ms", "0")) / 1000.0
        self.batched = config.get("max_batch_size", 0) > 0
        core = ov.Core()
        model = core.read_model(params["model_file"])
        if self.batched:
            # Any batch up to max_batch_size: axis 0 of every input made dynamic (a file may say 1 or 10).
            model.reshape({port: ov.PartialShape([ov.Dimension()] + list(port.get_partial_shape())[1:])
                           for port in model.inputs})
        self.compiled = core.compile_model(model, "CPU", _compile_properties(params.get("config", "")))
        self.inputs = [i["name"] for i in config["input"]]
        self.outputs = [o["name"] for o in config["output"]]
        # By name: the config lists what the model declares, in its order, but names are the contract.
        self.ports = [self.compiled.output(name) for name in self.outputs]
        self.request = self.compiled.create_infer_request()

    def execute(self, requests):
        if self.delay:
            time.sleep(self.delay)
        feeds = [[pb_utils.get_input_tensor_by_name(r, name).as_numpy() for name in self.inputs] for r in requests]
        if self.batched and len(requests) > 1:
            counts = [f[0].shape[0] for f in feeds]
            joined = [np.concatenate([f[i] for f in feeds]) for i in range(len(self.inputs))]
            results = self._infer(joined)
            ends = np.cumsum(counts)
            return [self._response([r[end - n:end] for r in results]) for end, n in zip(ends, counts)]
        return [self._response(self._infer(f)) for f in feeds]

    def _infer(self, arrays):
        self.request.infer(dict(zip(self.inputs, arrays)))
        # Copies: the request's tensors are overwritten by the next inference.
        return [np.array(self.request.get_tensor(port).data, copy=True) for port in self.ports]

    def _response(self, arrays):
        return pb_utils.InferenceResponse(
            output_tensors=[pb_utils.Tensor(name, a) for name, a in zip(self.outputs, arrays)])

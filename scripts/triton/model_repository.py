"""Adds a model to a Triton model repository, served by openvino_model.py (Triton's Python backend
running OpenVINO on CPU): <repository>/<name>/config.pbtxt and <repository>/<name>/1/model.py.

  model_repository.py REPOSITORY NAME MODEL_FILE [--max-batch-size N] [--delay-ms MS] [--config K=V,...]

config.pbtxt lists the inputs and outputs as OpenVINO reads them from MODEL_FILE (names, data types,
-1 for a dynamic dimension). A model whose axis 0 is a batch axis (inputs and outputs alike: reshaped
to batch 2, every output has 2 on axis 0) is served with max_batch_size N (default 8) and Triton's
dynamic batcher, its dims then without the batch axis; any other model (MediaPipe's, whose batch
lands on axis 1 of the outputs) with max_batch_size 0 and its full shapes. --max-batch-size 0 asks
for the latter. --delay-ms makes every execution sleep (tests of a slow server). Prints the
config.pbtxt it wrote. Run with the Python of .venv-triton (openvino).
"""

import argparse
import shutil
import sys
from pathlib import Path

import openvino as ov

# OpenVINO element type -> Triton's config data type (model_config.proto, DataType).
TRITON_TYPES = {
    "boolean": "TYPE_BOOL", "u8": "TYPE_UINT8", "u16": "TYPE_UINT16", "u32": "TYPE_UINT32", "u64": "TYPE_UINT64",
    "i8": "TYPE_INT8", "i16": "TYPE_INT16", "i32": "TYPE_INT32", "i64": "TYPE_INT64",
    "f16": "TYPE_FP16", "f32": "TYPE_FP32", "f64": "TYPE_FP64", "bf16": "TYPE_BF16",
}


def batch_axis(model):
    """Whether axis 0 is a batch axis of every input and output (checked by reshaping to batch 2)."""
    inputs = [p.get_partial_shape() for p in model.inputs]
    if any(s.rank.is_dynamic or len(s) == 0 for s in inputs):
        return False
    try:
        model.reshape({p: ov.PartialShape([2] + list(s)[1:]) for p, s in zip(model.inputs, inputs)})
    except RuntimeError:
        return False
    outputs = [p.get_partial_shape() for p in model.outputs]
    return all(s.rank.is_static and len(s) > 0 and s[0].is_static and s[0].get_length() == 2 for s in outputs)


def dims(shape, skip):
    return "[" + ", ".join(str(d.get_length()) if d.is_static else "-1" for d in list(shape)[skip:]) + "]"


def tensor(port, skip, file):
    name = port.get_any_name()
    kind = port.get_element_type().get_type_name()
    if kind not in TRITON_TYPES:
        sys.exit(f"model_repository: {file}: tensor '{name}' has element type {kind}, which Triton cannot carry")
    shape = port.get_partial_shape()
    if shape.rank.is_dynamic:
        sys.exit(f"model_repository: {file}: tensor '{name}' has a dynamic rank; Triton needs one")
    return f'  {{ name: "{name}" data_type: {TRITON_TYPES[kind]} dims: {dims(shape, skip)} }}'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repository", type=Path)
    parser.add_argument("name")
    parser.add_argument("model_file", type=Path)
    parser.add_argument("--max-batch-size", type=int, default=8)
    parser.add_argument("--delay-ms", type=float, default=0)
    parser.add_argument("--config", default="")
    args = parser.parse_args()
    file = args.model_file.resolve()
    if not file.is_file():
        sys.exit(f"model_repository: {file} does not exist")
    core = ov.Core()
    batch = args.max_batch_size if args.max_batch_size > 0 and batch_axis(core.read_model(file)) else 0
    model = core.read_model(file)  # as the file says: batch_axis reshaped its copy
    skip = 1 if batch else 0
    text = "\n".join([
        f'name: "{args.name}"',
        'backend: "python"',
        f"max_batch_size: {batch}",
        "input [",
        ",\n".join(tensor(p, skip, file) for p in model.inputs),
        "]",
        "output [",
        ",\n".join(tensor(p, skip, file) for p in model.outputs),
        "]",
        *(["dynamic_batching { }"] if batch else []),
        "instance_group [ { kind: KIND_CPU count: 1 } ]",
        f'parameters {{ key: "model_file" value {{ string_value: "{file}" }} }}',
        f'parameters {{ key: "config" value {{ string_value: "{args.config}" }} }}',
        f'parameters {{ key: "delay_ms" value {{ string_value: "{args.delay_ms:g}" }} }}',
        "",
    ])
    folder = args.repository / args.name
    (folder / "1").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(__file__).with_name("openvino_model.py"), folder / "1" / "model.py")
    (folder / "config.pbtxt").write_text(text)
    print(text, end="")


if __name__ == "__main__":
    main()

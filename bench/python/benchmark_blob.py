"""OpenVINO's benchmark_app on a compiled model exported as a blob (ovgst's model as it runs,
pre-processing included), with the arguments of benchmark_app.

benchmark_app 2026.4.1 cannot run any .blob, for two reasons fixed here and nothing else changed:
- it refuses it with "Cannot set precision for a compiled model": it takes the precisions as set
  unless all three options are "", but their defaults are None (and -ip/-op cannot be given "");
- it hands the file's path to Core.import_model, which takes the model's bytes.
"""
import sys

import openvino
import openvino.tools.benchmark.benchmark as benchmark_module
import openvino.tools.benchmark.main as benchmark_main

parse_args = benchmark_main.parse_args


def parse_args_without_precisions():
    parser = parse_args()
    parser.set_defaults(input_precision="", output_precision="", input_output_precision="")
    return parser


class CoreImportingFiles(openvino.Core):
    def import_model(self, model, *args, **kwargs):
        if isinstance(model, str):
            with open(model, "rb") as blob:
                model = blob.read()
        return super().import_model(model, *args, **kwargs)


benchmark_main.parse_args = parse_args_without_precisions
benchmark_module.Core = CoreImportingFiles
sys.argv[0] = "benchmark_app"
sys.exit(benchmark_main.main())

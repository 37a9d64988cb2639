#!/usr/bin/env bash
# Runs set-up's Triton Inference Server (.venv-triton: PyPI nvidia-pytriton) in the foreground on a
# model repository that scripts/triton/model_repository.py filled, for the tests, the bench and by hand:
#
#   scripts/triton/model_repository.py (with .venv-triton/bin/python) REPO yolo models/320n.onnx
#   scripts/triton/serve.sh REPO [tritonserver options, e.g. --grpc-port=8001]
#
# gRPC only, on 127.0.0.1:8001 unless the options say otherwise (--grpc-address=0.0.0.0 to serve
# other hosts), no HTTP, no metrics, ready only when every model is (--strict-readiness). It becomes
# the tritonserver process (exec), so its PID is the server's.
set -euo pipefail

self=$(readlink -f "${BASH_SOURCE[0]}")
ROOT=${self%/scripts/*}
VENV=$ROOT/.venv-triton
SITE=$VENV/lib/python3.11/site-packages
TRITON=$SITE/pytriton/tritonserver

if [[ $# -lt 1 || $1 == -* ]]; then
  sed -n '2,/^set -euo/p' "$self" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
repository=$1
shift
[[ -x $TRITON/bin/tritonserver ]] || { echo "serve.sh: $TRITON/bin/tritonserver is missing: run ./ovgst setup" >&2; exit 1; }
[[ -d $repository ]] || { echo "serve.sh: no model repository at $repository (make one with model_repository.py)" >&2; exit 1; }

# The Python backend's stub imports openvino from the python3 first on PATH (it does not read
# PYTHONPATH); Triton's own libraries are in the wheel's nvidia_pytriton.libs.
export PATH=$VENV/bin:$PATH
export LD_LIBRARY_PATH=$SITE/nvidia_pytriton.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
exec "$TRITON/bin/tritonserver" --model-repository="$repository" --backend-directory="$TRITON/backends" \
  --grpc-address=127.0.0.1 --grpc-port=8001 --allow-http=false --allow-metrics=false --allow-gpu-metrics=false \
  --strict-readiness=true --exit-timeout-secs=5 "$@"

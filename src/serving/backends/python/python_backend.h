// The python backend: MLflow `python_function` (pyfunc) models that no
// native backend loads, run by mlflow.pyfunc in a long-lived worker process
// (`<python> -c <embedded worker script>`) that cairn talks to over its
// stdin/stdout (worker_protocol.h). Registered after the native backends,
// so a model with an xgboost or onnx flavor next to python_function is
// still served natively.
//
// * The interpreter is options.python, else $CAIRN_PYTHON, else `python3`
//   on PATH; it needs `mlflow` importable (a load without it fails with
//   kUnavailable naming the package).
// * One worker per loaded model version; predictions are serialised on it
//   (the dynamic batcher makes batches).
// * A worker that dies or exceeds the per-request timeout is killed; the
//   request fails (kInternal / kDeadlineExceeded) and the next request
//   starts a new worker — at once after one failure, then with exponential
//   backoff (0.25 s .. 30 s) while failures repeat.
// * Its stderr goes to the server log (lines cut at 4 KiB, at most 200
//   lines a minute); replies over max_reply_bytes fail the request.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "serving/model_backend.h"

namespace cairn::serving {

struct PythonBackendOptions {
  std::string python;  // "" -> $CAIRN_PYTHON or "python3"
  std::chrono::milliseconds predict_timeout{0};  // 0 -> $CAIRN_PYTHON_TIMEOUT_S seconds or 60 s
  std::chrono::milliseconds load_timeout{std::chrono::minutes(5)};
  size_t max_reply_bytes = size_t{256} << 20;
};

std::unique_ptr<ModelBackendFactory> CreatePythonBackendFactory(PythonBackendOptions options = {});

}  // namespace cairn::serving

// Test-only: a stand-in for the `mlflow` Python package, written into a temp
// directory that tests put on PYTHONPATH, plus pyfunc model directories for
// it.
//
// Why a stand-in: the real mlflow cannot be installed where these tests run
// (no package index), and the python backend's own job — the worker
// process, the frame protocol, input/output conversion, crashes, timeouts
// and restarts — does not depend on what mlflow.pyfunc.load_model does
// inside. The stand-in keeps exactly the two calls the worker makes:
// `mlflow.pyfunc.load_model(model_dir)` (here: import the model directory's
// python_model.py) and `.predict(data)` on what it returns. That the real
// mlflow is missing is tested too (the load fails with a clear error).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace cairn::serving::python::testing {

// mlflow/__init__.py and mlflow/pyfunc/__init__.py under `root`.
inline void WriteStandInMlflow(const std::filesystem::path& root) {
  std::filesystem::create_directories(root / "mlflow" / "pyfunc");
  std::ofstream(root / "mlflow" / "__init__.py") << "__version__ = 'stand-in'\n";
  std::ofstream(root / "mlflow" / "pyfunc" / "__init__.py") << R"PY(# Stand-in for mlflow.pyfunc (cairn tests).
import importlib.util, os


class PyFuncModel:
    def __init__(self, impl):
        self._impl = impl

    def predict(self, data):
        return self._impl.predict(data)


def load_model(model_uri):
    spec = importlib.util.spec_from_file_location('python_model', os.path.join(model_uri, 'python_model.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return PyFuncModel(module)
)PY";
}

// The test model: y = 2*f0 + 3*f1 - f2 + 0.5*f3 per row (f0..f3 doubles),
// and misbehaviour picked by f0: 55 raises ValueError("bad row 55"),
// 77 exits the worker (os._exit(1)), 99 sleeps for an hour. Takes a pandas
// DataFrame, a dict of columns, a numpy array or a list of rows.
inline constexpr const char* kTestPythonModel = R"PY(import os, sys, time


def _rows(data):
    if hasattr(data, 'columns') and hasattr(data, 'values'):
        return data.values.tolist()
    if isinstance(data, dict):
        return [list(r) for r in zip(*data.values())]
    if hasattr(data, 'tolist'):
        return data.tolist()
    return data


def predict(data):
    rows = _rows(data)
    for r in rows:
        if r[0] == 55:
            raise ValueError('bad row 55')
        if r[0] == 77:
            print('worker exiting on purpose', file=sys.stderr, flush=True)
            os._exit(1)
        if r[0] == 99:
            time.sleep(3600)
    print('predicting %d rows (%s)' % (len(rows), type(data).__name__))
    return [2 * r[0] + 3 * r[1] - r[2] + 0.5 * r[3] for r in rows]
)PY";

inline double TestModelReference(const double* row) { return 2 * row[0] + 3 * row[1] - row[2] + 0.5 * row[3]; }

// The MLmodel of a pure pyfunc model with a column signature f0..f3.
inline constexpr const char* kTestPyfuncMlModel =
    "flavors:\n"
    "  python_function:\n"
    "    loader_module: python_model\n"
    "    python_version: 3.11.7\n"
    "signature:\n"
    "  inputs: '[{\"type\": \"double\", \"name\": \"f0\"}, {\"type\": \"double\", \"name\": \"f1\"}, "
    "{\"type\": \"double\", \"name\": \"f2\"}, {\"type\": \"double\", \"name\": \"f3\"}]'\n"
    "  outputs: '[{\"type\": \"double\"}]'\n";

inline void WriteTestPyfuncModel(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "MLmodel") << kTestPyfuncMlModel;
  std::ofstream(dir / "python_model.py") << kTestPythonModel;
}

}  // namespace cairn::serving::python::testing

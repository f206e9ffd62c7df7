#include "serving/backends/python/worker_script.h"

namespace cairn::serving::python {
namespace {

// Kept dependency-free beyond mlflow itself: numpy and pandas are used when
// importable (MLflow installs both), plain lists otherwise.
// The first line names the program in `ps` output (the whole script is the
// -c argument).
constexpr std::string_view kScript = R"PY(# cairn pyfunc worker (src/serving/backends/python/worker_script.cc)
import json, math, os, struct, sys, traceback

if sys.path and sys.path[0] == '':
    del sys.path[0]  # python -c puts the working directory first; never load modules from it

try:
    import numpy as np
except ImportError:
    np = None
try:
    import pandas as pd
except ImportError:
    pd = None

NUMPY_DTYPES = {'BOOL': 'bool', 'UINT8': 'uint8', 'UINT16': 'uint16', 'UINT32': 'uint32', 'UINT64': 'uint64',
                'INT8': 'int8', 'INT16': 'int16', 'INT32': 'int32', 'INT64': 'int64', 'FP16': 'float16',
                'FP32': 'float32', 'FP64': 'float64', 'BF16': 'float32', 'BYTES': 'object'}


def setup_streams():
    # The frames own the original stdin/stdout; the model's own prints go to
    # stderr (the server log) and its reads of stdin see end of file.
    proto_in = os.fdopen(os.dup(0), 'rb', buffering=0)
    proto_out = os.fdopen(os.dup(1), 'wb', buffering=0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return proto_in, proto_out


def read_exact(f, n):
    parts, left = [], n
    while left:
        chunk = f.read(left)
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b''.join(parts)


def read_frame(f):
    head = read_exact(f, 4)
    if head is None:
        return None
    body = read_exact(f, struct.unpack('>I', head)[0])
    return None if body is None else json.loads(body.decode('utf-8'))


def write_frame(f, obj):
    body = json.dumps(obj, allow_nan=False).encode('utf-8')
    f.write(struct.pack('>I', len(body)) + body)


def reshape(flat, shape):
    if len(shape) <= 1:
        return list(flat)
    step = 1
    for d in shape[1:]:
        step *= d
    return [reshape(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def tensor_value(t):
    data = [float('nan') if v is None else v for v in t['data']] if t['datatype'].startswith(('FP', 'BF')) else t['data']
    if np is not None:
        return np.array(data, dtype=NUMPY_DTYPES.get(t['datatype'], 'object')).reshape(t['shape'])
    return reshape(data, t['shape'])


def make_input(req):
    inputs, layout, columns = req['inputs'], req.get('layout', 'none'), req.get('columns') or []
    if layout == 'columns':
        if len(inputs) == 1 and len(inputs[0]['shape']) == 2 and columns:
            rows = reshape(inputs[0]['data'], inputs[0]['shape'])
            if pd is not None:
                return pd.DataFrame(rows, columns=columns)
            return {c: [r[i] for r in rows] for i, c in enumerate(columns)}
        cols = {t['name']: t['data'] for t in inputs}
        return pd.DataFrame(cols) if pd is not None else cols
    if len(inputs) == 1:
        t = inputs[0]
        if layout == 'none' and pd is not None and len(t['shape']) == 2 and t['datatype'] != 'BYTES':
            return pd.DataFrame(reshape(t['data'], t['shape']))
        return tensor_value(t)
    return {t['name']: tensor_value(t) for t in inputs}


def clean(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, bytes):
        return v.decode('utf-8', 'replace')
    return v


def flatten(value):
    if isinstance(value, (list, tuple)):
        if not value:
            return [0], []
        parts = [flatten(v) for v in value]
        if any(p[0] != parts[0][0] for p in parts):
            raise ValueError('the model returned a ragged list')
        return [len(value)] + parts[0][0], [x for p in parts for x in p[1]]
    return [], [value]


def python_datatype(flat):
    if flat and all(isinstance(v, bool) for v in flat):
        return 'BOOL'
    if all(isinstance(v, int) and not isinstance(v, bool) for v in flat):
        return 'INT64'
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in flat):
        return 'FP64'
    return 'BYTES'


def numpy_datatype(dtype):
    if dtype.kind == 'b':
        return 'BOOL'
    if dtype.kind in 'iu':
        return ('INT' if dtype.kind == 'i' else 'UINT') + str(dtype.itemsize * 8)
    if dtype.kind == 'f':
        return 'FP32' if dtype.itemsize <= 4 else 'FP64'
    return 'BYTES'


def output(name, value):
    if pd is not None and isinstance(value, (pd.Series, pd.Index)):
        value = value.to_numpy()
    if np is not None and isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        datatype = numpy_datatype(arr.dtype)
        if datatype == 'FP32' and arr.dtype.itemsize < 4:
            arr = arr.astype('float32')
        shape, flat = list(arr.shape) or [1], arr.reshape(-1).tolist()
    else:
        if not isinstance(value, (list, tuple)):
            value = [value]
        shape, flat = flatten(value)
        datatype = python_datatype(flat)
    if datatype == 'BYTES':
        flat = [v.decode('utf-8', 'replace') if isinstance(v, bytes) else str(v) for v in flat]
    return {'name': name, 'datatype': datatype, 'shape': shape, 'data': [clean(v) for v in flat]}


def to_outputs(result):
    if pd is not None and isinstance(result, pd.DataFrame):
        return [output(str(c), result[c]) for c in result.columns]
    if isinstance(result, dict):
        return [output(str(k), v) for k, v in result.items()]
    return [output('predict', result)]


def load(req):
    try:
        import mlflow.pyfunc
    except ImportError as e:
        name = (getattr(e, 'name', None) or 'mlflow').split('.')[0]
        return None, {'ok': False, 'kind': 'missing_package', 'package': name, 'error': str(e)}
    model = mlflow.pyfunc.load_model(req['model_dir'])
    version = getattr(sys.modules.get('mlflow'), '__version__', 'unknown')
    return model, {'ok': True, 'python': sys.version.split()[0], 'mlflow': version,
                   'numpy': np is not None, 'pandas': pd is not None}


def main():
    proto_in, proto_out = setup_streams()
    model = None
    while True:
        req = read_frame(proto_in)
        if req is None:
            return
        try:
            if req.get('op') == 'load':
                model, resp = load(req)
            elif req.get('op') == 'predict':
                if model is None:
                    raise RuntimeError('no model is loaded')
                resp = {'ok': True, 'outputs': to_outputs(model.predict(make_input(req)))}
            else:
                resp = {'ok': False, 'error': 'unknown request %r' % req.get('op')}
        except Exception as e:
            traceback.print_exc()
            resp = {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}
        write_frame(proto_out, resp)


main()
)PY";

}  // namespace

std::string_view WorkerScript() { return kScript; }

}  // namespace cairn::serving::python

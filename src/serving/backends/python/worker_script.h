// The Python program the python backend runs as `python3 -c <script>`: a
// pyfunc worker that loads one MLflow model with mlflow.pyfunc.load_model
// and answers predict requests over length-prefixed JSON frames on its
// stdin/stdout (protocol: src/serving/README.md, "python backend").
// Embedded in the binary so serving a pyfunc model needs nothing but a
// python3 with mlflow installed.
#pragma once

#include <string_view>

namespace cairn::serving::python {

std::string_view WorkerScript();

}  // namespace cairn::serving::python

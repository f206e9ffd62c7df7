// The inference core's request and response: protocol-neutral values the
// frontends (OIP v2, KServe V1, MLflow /invocations) translate to and from.
#pragma once

#include <string>
#include <vector>

#include "serving/tensor.h"

namespace cairn::serving {

struct InferenceRequest {
  std::string id;                       // echoed back when set
  std::vector<Tensor> inputs;           // any order; matched by name
  std::vector<std::string> outputs;     // requested output names; empty = all
  std::string parameters_json;          // the request's "parameters" object, echoed back
};

struct InferenceResponse {
  std::string model_name;
  std::string model_version;
  std::string id;
  std::string parameters_json;
  std::vector<Tensor> outputs;
};

}  // namespace cairn::serving

// Open Inference Protocol v2 JSON: the inference request and response, and
// model metadata (specs/inference-protocol.md §2). Wire types stay here; the
// core sees serving::InferenceRequest / InferenceResponse.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "serving/inference.h"
#include "serving/model_backend.h"

namespace cairn::frontends {

// kInvalidArgument for malformed JSON, missing or mistyped fields, unknown
// datatypes, shapes that do not match the data, duplicate input names and
// the binary-tensor extension (not supported).
Result<serving::InferenceRequest> ParseOipInferRequest(std::string_view body);

std::string OipInferResponseJson(const serving::InferenceResponse& response);

// {"name", "versions", "platform", "inputs": [...], "outputs": [...]}
std::string OipModelMetadataJson(const std::string& name, const std::vector<std::string>& versions,
                                 const serving::ModelMetadata& metadata);

}  // namespace cairn::frontends

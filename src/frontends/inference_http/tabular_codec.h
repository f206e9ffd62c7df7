// The payloads of KServe V1 (`{"instances": [...]}`, `{"inputs": ...}`) and
// MLflow's scoring server (`/invocations`: dataframe_split,
// dataframe_records, instances, inputs), which carry no datatypes: values
// are converted to the datatypes the model declares. The answer of both is
// `{"predictions": ...}`.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "serving/inference.h"
#include "serving/model_backend.h"

namespace cairn::frontends {

// kInvalidArgument for malformed JSON or payloads that do not fit the model.
Result<serving::InferenceRequest> ParseV1PredictRequest(std::string_view body, const serving::ModelMetadata& model);
Result<serving::InferenceRequest> ParseInvocationsRequest(std::string_view body, const serving::ModelMetadata& model);
// MLflow's `text/csv` payload: a header row of column names, then rows of
// numbers (read as a dataframe_split).
Result<serving::InferenceRequest> ParseInvocationsCsv(std::string_view body, const serving::ModelMetadata& model);

// V1: one entry per row — the row's value for a single output, an object of
// outputs otherwise.
std::string V1PredictionsJson(const serving::InferenceResponse& response);
// MLflow: the single output's rows, or an object of output name -> rows.
std::string InvocationsPredictionsJson(const serving::InferenceResponse& response);

}  // namespace cairn::frontends

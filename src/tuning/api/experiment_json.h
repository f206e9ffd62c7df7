// JSON shapes of the tuning API (docs/protocols/cairn-tuning.md): experiment
// and trial records to and from pipelines::Value, shared by the server, the
// client library and the CLI's --json output.
#pragma once

#include "base/result.h"
#include "pipelines/spec/value.h"
#include "tuning/analysis/importance.h"
#include "tuning/state/experiment_store.h"

namespace cairn::tuning::api {

// `include_spec` adds spec_yaml.
pipelines::Value ExperimentToValue(const ExperimentRecord& e, bool include_spec);
// Trials carry their assignment, labels, state, objective, observation
// ({metric: {min, max, latest}}) and the metric log's size; not the log.
pipelines::Value TrialToValue(const TrialRecord& t);
pipelines::Value ImportanceToValue(const std::vector<ParameterImportance>& importance);

// The inverse, for the client library. kInternal for a malformed shape.
Result<ExperimentRecord> ExperimentFromValue(const pipelines::Value& v);
Result<TrialRecord> TrialFromValue(const pipelines::Value& v);

}  // namespace cairn::tuning::api

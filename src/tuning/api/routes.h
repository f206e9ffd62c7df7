// The tuning REST API (docs/protocols/cairn-tuning.md), declared once and
// used by the server (frontends/tuning_api) and the client library
// (client/rest_tuning_client), so the two cannot drift apart.
//
//   POST /api/2.0/cairn/tuning/experiments/submit  {spec, source_name?, name?, max_trial_count?,
//                                                   parallel_trial_count?, max_failed_trial_count?,
//                                                   trial_timeout_seconds?, experiment_id?, experiment_name?}
//                                                   or a raw YAML body (Content-Type application/yaml)
//                                                   -> {experiment}
//   GET  /api/2.0/cairn/tuning/experiments/list    ?max_results&page_token&state -> {experiments, next_page_token?}
//   GET  /api/2.0/cairn/tuning/experiments/get     ?experiment_id | name, include_trials(=true), include_spec
//                                                   -> {experiment, trials?, best_trial?, parameter_importance?}
//   POST /api/2.0/cairn/tuning/experiments/stop    {experiment_id} -> {}
//   POST /api/2.0/cairn/tuning/experiments/resume  {experiment_id, max_trial_count} -> {experiment}
//   GET  /api/2.0/cairn/tuning/trials/logs         ?experiment_id&trial&stream&offset&max_bytes
//                                                   -> {data, next_offset, eof, trial_state}
//   POST /api/2.0/cairn/tuning/validate            {spec, source_name?} -> {valid, name, problems}
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn::tuning::api {

struct Route {
  std::string_view method;
  std::string_view path;
};

inline constexpr Route kSubmitExperiment{"POST", "/api/2.0/cairn/tuning/experiments/submit"};
inline constexpr Route kListExperiments{"GET", "/api/2.0/cairn/tuning/experiments/list"};
inline constexpr Route kGetExperiment{"GET", "/api/2.0/cairn/tuning/experiments/get"};
inline constexpr Route kStopExperiment{"POST", "/api/2.0/cairn/tuning/experiments/stop"};
inline constexpr Route kResumeExperiment{"POST", "/api/2.0/cairn/tuning/experiments/resume"};
inline constexpr Route kTrialLogs{"GET", "/api/2.0/cairn/tuning/trials/logs"};
inline constexpr Route kValidate{"POST", "/api/2.0/cairn/tuning/validate"};

inline constexpr int64_t kDefaultLogBytes = 1 << 20;
inline constexpr int64_t kMaxLogBytes = 16 << 20;

}  // namespace cairn::tuning::api

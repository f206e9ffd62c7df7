// RestTuningClient: the tuning REST API (tuning/api/routes.h) for the CLI,
// tests and C++ callers: submit an experiment spec, list, get with trials,
// stop, read trial logs.
//
// Errors: the server's {"error_code", "message"} comes back as the matching
// StatusCode and message; transport failures are kUnavailable /
// kDeadlineExceeded; a response that does not decode is kInternal.
//
// Thread-safe: any number of threads may call concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/curl_http_client.h"
#include "client/http_client.h"
#include "pipelines/executor/executor.h"
#include "pipelines/spec/value.h"
#include "tuning/state/experiment_store.h"

namespace cairn::client {

struct SubmitExperimentRequest {
  std::string spec_text;
  std::string source_name;
  std::string name;
  std::optional<int64_t> max_trial_count;
  std::optional<int64_t> parallel_trial_count;
  std::optional<int64_t> max_failed_trial_count;
  std::optional<int64_t> trial_timeout_seconds;
  std::string experiment_id;    // tracking experiment
  std::string experiment_name;  // tracking experiment, created if missing
};

struct ExperimentDetails {
  tuning::ExperimentRecord experiment;
  std::vector<tuning::TrialRecord> trials;  // by index
  pipelines::Value raw;                     // the whole answer (best_trial, parameter_importance, trial_counts)
};

struct TrialLogChunk {
  std::string data;
  int64_t next_offset = 0;
  bool eof = true;
  tuning::TrialPhase trial_state = tuning::TrialPhase::kPending;
};

class RestTuningClient {
 public:
  RestTuningClient(std::string base_url, std::unique_ptr<HttpClient> http);
  static Result<std::unique_ptr<RestTuningClient>> Create(std::string_view tracking_uri,
                                                          const HttpClientOptions& options = {});

  Result<tuning::ExperimentRecord> Submit(const SubmitExperimentRequest& request);
  Result<tuning::ExperimentPage> List(const tuning::ListExperimentsRequest& request);
  // `id_or_name`: an experiment id (32 hex) or a name (the newest of it).
  Result<ExperimentDetails> Get(const std::string& id_or_name, bool include_trials = true);
  Status Stop(const std::string& experiment_id);
  Result<tuning::ExperimentRecord> Resume(const std::string& experiment_id, int64_t max_trial_count);
  Result<TrialLogChunk> Logs(const std::string& experiment_id, const std::string& trial, pipelines::LogStream stream,
                             int64_t offset, int64_t max_bytes);

 private:
  Result<pipelines::Value> Call(std::string_view method, std::string_view path, const QueryParams& query,
                                std::string body);

  std::string base_url_;
  std::unique_ptr<HttpClient> http_;
};

}  // namespace cairn::client

// RestPipelinesClient: the pipelines REST API (pipelines/api/routes.h) for
// the CLI, tests and C++ callers: submit a spec, list runs, get a run with
// its task states, read task logs, cancel, validate.
//
// Errors: the server's {"error_code", "message"} comes back as the matching
// StatusCode and message; transport failures are kUnavailable /
// kDeadlineExceeded; a response that does not decode is kInternal.
//
// Thread-safe: any number of threads may call concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/curl_http_client.h"
#include "client/http_client.h"
#include "pipelines/executor/executor.h"
#include "pipelines/run_state/run_store.h"
#include "pipelines/spec/value.h"

namespace cairn::client {

struct SubmitPipelineRequest {
  std::string spec_yaml;
  std::string source_name;
  // Values; strings are typed by the server from the pipeline's inputs, so
  // `--param epochs=3` may be sent as "3".
  std::vector<std::pair<std::string, pipelines::Value>> parameters;
  std::string display_name;
  bool cache_enabled = true;
  int64_t parallelism = 0;
  std::string experiment_id;
  std::string experiment_name;  // created if missing; not with experiment_id
};

struct PipelineRunDetails {
  pipelines::PipelineRunRecord run;
  std::vector<pipelines::TaskRecord> tasks;  // ordered by node id
};

struct PipelineLogChunk {
  std::string data;
  int64_t next_offset = 0;
  bool eof = true;
  pipelines::NodeState task_state = pipelines::NodeState::kPending;
  int32_t attempt = 0;
};

struct PipelineProblem {
  std::string location;
  std::string message;
  std::string severity;  // "error" | "warning"
};

struct PipelineValidation {
  bool valid = false;
  std::string pipeline_name;
  std::vector<PipelineProblem> problems;
};

class RestPipelinesClient {
 public:
  RestPipelinesClient(std::string base_url, std::unique_ptr<HttpClient> http);
  // Validates `tracking_uri` (http/https); does not contact the server.
  static Result<std::unique_ptr<RestPipelinesClient>> Create(std::string_view tracking_uri,
                                                             const HttpClientOptions& options = {});

  Result<pipelines::PipelineRunRecord> Submit(const SubmitPipelineRequest& request);
  Result<pipelines::RunPage> ListRuns(const pipelines::ListRunsRequest& request);
  Result<PipelineRunDetails> GetRun(const std::string& run_id, bool include_spec = false);
  Result<PipelineLogChunk> Logs(const std::string& run_id, const std::string& task, pipelines::LogStream stream,
                                int64_t offset, int64_t max_bytes);
  Status Cancel(const std::string& run_id);
  Result<PipelineValidation> Validate(const std::string& spec_yaml, const std::string& source_name);

 private:
  Result<pipelines::Value> Call(std::string_view method, std::string_view path, const QueryParams& query,
                                std::string body);

  std::string base_url_;
  std::unique_ptr<HttpClient> http_;
};

}  // namespace cairn::client

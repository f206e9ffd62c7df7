// The pipelines REST API (docs/protocols/cairn-pipelines.md), declared once
// and used by both the server (frontends/pipelines_api) and the client
// library (client/rest_pipelines_client), so the two cannot drift apart.
//
//   POST /api/2.0/cairn/pipelines/runs/submit   {spec, source_name?, parameters?, display_name?,
//                                                cache_enabled?, parallelism?, experiment_id?}
//                                                -> {run}
//   GET  /api/2.0/cairn/pipelines/runs/list     ?max_results&page_token&state -> {runs, next_page_token?}
//   GET  /api/2.0/cairn/pipelines/runs/get      ?run_id&include_spec&include_tasks(=true) -> {run, tasks?}
//   GET  /api/2.0/cairn/pipelines/runs/logs     ?run_id&task&stream&offset&max_bytes
//                                                -> {data, next_offset, eof, task_state, attempt}
//   POST /api/2.0/cairn/pipelines/runs/cancel   {run_id} -> {}
//   POST /api/2.0/cairn/pipelines/validate      {spec, source_name?} -> {valid, pipeline_name, problems}
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn::pipelines::api {

struct Route {
  std::string_view method;  // "GET" | "POST"
  std::string_view path;    // absolute
};

inline constexpr std::string_view kPrefix = "/api/2.0/cairn/pipelines";

inline constexpr Route kSubmitRun{"POST", "/api/2.0/cairn/pipelines/runs/submit"};
inline constexpr Route kListRuns{"GET", "/api/2.0/cairn/pipelines/runs/list"};
inline constexpr Route kGetRun{"GET", "/api/2.0/cairn/pipelines/runs/get"};
inline constexpr Route kGetLogs{"GET", "/api/2.0/cairn/pipelines/runs/logs"};
inline constexpr Route kCancelRun{"POST", "/api/2.0/cairn/pipelines/runs/cancel"};
inline constexpr Route kValidate{"POST", "/api/2.0/cairn/pipelines/validate"};

// Logs: default and largest chunk a request returns.
inline constexpr int64_t kDefaultLogBytes = 1 << 20;
inline constexpr int64_t kMaxLogBytes = 16 << 20;

}  // namespace cairn::pipelines::api

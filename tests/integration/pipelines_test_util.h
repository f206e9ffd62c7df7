// Helpers for the pipelines suites against the real server: submit a spec
// over REST, wait for the run, find tasks, small KFP IR specs, and a `bin`
// directory of host shims put on the server's PATH (`my_program` for the KFP
// container_* samples, `python` where only python3 exists).
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "integration/api.h"
#include "pipelines/spec/value.h"

#ifndef CAIRN_TESTDATA_DIR
#error "CAIRN_TESTDATA_DIR must name tests/data (see tests/CMakeLists.txt)"
#endif

namespace cairn::integration {

using pipelines::Value;

inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string KfpFixture(const std::string& name) {
  return ReadText(std::filesystem::path(CAIRN_TESTDATA_DIR) / "kfp" / name);
}

// JSON string literal of `text`.
inline std::string Quoted(const std::string& text) { return Value::String(text).ToJson(); }

inline Value ParseOrEmpty(const std::string& json) {
  auto v = Value::ParseJson(json);
  return v.ok() ? std::move(v).value() : Value::MakeStruct({});
}

inline std::string Str(const Value& v, std::string_view key) {
  const Value* f = v.Find(key);
  return f != nullptr && f->is_string() ? f->as_string() : std::string();
}
inline int64_t Int(const Value& v, std::string_view key) {
  const Value* f = v.Find(key);
  return f != nullptr && f->is_int() ? f->as_int() : -1;
}

// Creates <dir>/bin with the shims and prepends it to this process's PATH,
// which ServerProcess passes on to the server (and so to task processes).
inline std::filesystem::path InstallShims(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir / "bin");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / "bin" / name) << text;
    fs::permissions(dir / "bin" / name, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  };
  write("my_program",
        "#!/bin/sh\nout=''; prev=''\nfor a in \"$@\"; do [ \"$prev\" = --output_path ] && out=\"$a\"; "
        "prev=\"$a\"; done\nprintf '%s|' \"$@\" > \"$out\"\n");
  write("python", "#!/bin/sh\nexec python3 \"$@\"\n");
  const char* path = std::getenv("PATH");
  std::string value = (dir / "bin").string() + ":" + (path ? path : "/usr/bin:/bin");
  ::setenv("PATH", value.c_str(), 1);
  return dir / "bin";
}

class PipelinesClient {
 public:
  explicit PipelinesClient(Api& api) : api_(api) {}

  // Returns the submit reply; run id via RunId().
  Reply Submit(const std::string& spec, const std::string& parameters_json = "{}", const std::string& extra = "") {
    std::string body = fmt::format(R"({{"spec":{},"source_name":"test.yaml","parameters":{}{}{}}})", Quoted(spec),
                                   parameters_json, extra.empty() ? "" : ",", extra);
    return api_.Post("/api/2.0/cairn/pipelines/runs/submit", body);
  }
  static std::string RunId(const Reply& reply) {
    Value v = ParseOrEmpty(reply.body);
    const Value* run = v.Find("run");
    return run ? Str(*run, "run_id") : std::string();
  }
  Value Get(const std::string& run_id, bool include_tasks = true) {
    Reply reply = api_.Get("/api/2.0/cairn/pipelines/runs/get",
                           {{"run_id", run_id}, {"include_tasks", include_tasks ? "true" : "false"}});
    EXPECT_EQ(reply.status, 200) << reply.Describe();
    return ParseOrEmpty(reply.body);
  }
  static std::string State(const Value& get) {
    const Value* run = get.Find("run");
    return run ? Str(*run, "state") : std::string();
  }
  // Polls until the run is finished (or `timeout`); returns the last get.
  Value Wait(const std::string& run_id, std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    Value get;
    auto delay = std::chrono::milliseconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      // Polls the run alone (cheap even with 20,000 tasks); tasks at the end.
      get = Get(run_id, /*include_tasks=*/false);
      std::string state = State(get);
      if (state == "SUCCEEDED" || state == "FAILED" || state == "CANCELLED") return Get(run_id);
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, std::chrono::milliseconds(250));
    }
    ADD_FAILURE() << "run " << run_id << " did not finish; last state " << State(get);
    return get;
  }
  // Submits and waits; ASSERT-style failures show up as an empty result.
  Value Run(const std::string& spec, const std::string& parameters_json = "{}", const std::string& extra = "") {
    Reply reply = Submit(spec, parameters_json, extra);
    EXPECT_EQ(reply.status, 200) << reply.Describe();
    std::string id = RunId(reply);
    if (id.empty()) return Value::MakeStruct({});
    return Wait(id);
  }
  static const Value* Task(const Value& get, const std::string& node_id) {
    const Value* tasks = get.Find("tasks");
    if (tasks == nullptr || !tasks->is_list()) return nullptr;
    for (const Value& t : tasks->as_list()) {
      if (Str(t, "node_id") == node_id) return &t;
    }
    return nullptr;
  }
  std::string Logs(const std::string& run_id, const std::string& task, const std::string& stream = "stdout") {
    Reply reply =
        api_.Get("/api/2.0/cairn/pipelines/runs/logs", {{"run_id", run_id}, {"task", task}, {"stream", stream}});
    EXPECT_EQ(reply.status, 200) << reply.Describe();
    return Str(ParseOrEmpty(reply.body), "data");
  }

 private:
  Api& api_;
};

// A one-task KFP IR pipeline running `script` with sh (single-quoted in
// YAML: write '' for a quote).
inline std::string OneTaskSpec(const std::string& name, const std::string& script) {
  return fmt::format(R"(
pipelineInfo: {{name: {0}}}
schemaVersion: 2.1.0
components:
  comp-step:
    executorLabel: exec-step
deploymentSpec:
  executors:
    exec-step: {{container: {{image: alpine, command: [sh, -c, '{1}']}}}}
root:
  dag:
    tasks:
      step:
        componentRef: {{name: comp-step}}
        taskInfo: {{name: step}}
)",
                     name, script);
}

// ParallelFor over `items` (a JSON list literal) running `true` per item.
inline std::string FanOutSpec(const std::string& items) {
  return R"(
pipelineInfo: {name: fan-out}
schemaVersion: 2.1.0
components:
  comp-for-loop-1:
    dag:
      tasks:
        noop:
          componentRef: {name: comp-noop}
          inputs: {parameters: {x: {componentInputParameter: pipelinechannel--loop-item-param-1}}}
          taskInfo: {name: noop}
    inputDefinitions:
      parameters:
        pipelinechannel--loop-item-param-1: {parameterType: NUMBER_INTEGER}
  comp-noop:
    executorLabel: exec-noop
    inputDefinitions: {parameters: {x: {parameterType: NUMBER_INTEGER}}}
deploymentSpec:
  executors:
    exec-noop: {container: {image: alpine, command: ["true", "{{$.inputs.parameters['x']}}"]}}
root:
  dag:
    tasks:
      for-loop-1:
        componentRef: {name: comp-for-loop-1}
        parameterIterator:
          itemInput: pipelinechannel--loop-item-param-1
          items: {raw: ')" +
         items + R"('}
        taskInfo: {name: for-loop-1}
)";
}

}  // namespace cairn::integration

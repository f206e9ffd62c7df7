// `cairn pipelines run|list|get|logs|cancel|validate`: pipeline runs on a
// running server, through client::RestPipelinesClient. `validate` works
// offline (the spec is loaded and checked locally).
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "cli/client_command_support.h"
#include "client/rest_pipelines_client.h"
#include "pipelines/api/routes.h"
#include "pipelines/api/run_json.h"
#include "pipelines/graph.h"

namespace cairn::cli {
namespace {

using pipelines::NodeState;
using pipelines::PipelineRunRecord;
using pipelines::RunState;
using pipelines::TaskRecord;
using pipelines::Value;

Result<std::unique_ptr<client::RestPipelinesClient>> Connect(const ClientFlags& flags) {
  return client::RestPipelinesClient::Create(flags.tracking_uri, CliHttpOptions(flags));
}

std::string Duration(int64_t start, int64_t end) {
  if (start <= 0) return "";
  if (end <= 0) end = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  if (end - start < 1000) return fmt::format("{}ms", std::max<int64_t>(end - start, 0));
  return FormatDuration(end - start);
}

void PrintTasks(const std::vector<TaskRecord>& tasks) {
  Table table({"TASK", "KIND", "STATE", "ATTEMPT", "CACHED", "DURATION", "ERROR"});
  for (const auto& t : tasks) {
    table.AddRow({t.node_id, std::string(pipelines::NodeKindName(t.kind)), std::string(pipelines::NodeStateName(t.state)),
                  t.attempt > 0 ? std::to_string(t.attempt) : "", t.cached ? "yes" : "",
                  Duration(t.started_ms, t.finished_ms), t.error});
  }
  table.Print();
}

void PrintRunJson(const PipelineRunRecord& run, const std::vector<TaskRecord>* tasks) {
  Value::Struct out = {{"run", pipelines::api::RunToValue(run, false)}};
  if (tasks != nullptr) {
    Value::List items;
    for (const auto& t : *tasks) items.push_back(pipelines::api::TaskToValue(t));
    out.emplace_back("tasks", Value::MakeList(std::move(items)));
  }
  PrintJson(Value::MakeStruct(std::move(out)).ToJson());
}

Status RunOutcome(const PipelineRunRecord& run) {
  if (run.state == RunState::kSucceeded) return Status();
  return Status(StatusCode::kFailedPrecondition,
                fmt::format("pipeline run {} {}{}", run.run_id, pipelines::RunStateName(run.state),
                            run.error.empty() ? "" : ": " + run.error));
}

// --------------------------------------------------------------- run

struct RunArgs {
  ClientFlags flags;
  std::string file;
  std::vector<std::string> params;
  bool wait = false;
  std::string name;
  bool no_cache = false;
  int64_t parallelism = 0;
  std::string experiment_name;
  std::string experiment_id;
};

Status Run(const RunArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(std::string spec, ReadSpecFile(args.file, pipelines::kMaxSpecBytes));
  client::SubmitPipelineRequest request;
  request.spec_yaml = std::move(spec);
  request.source_name = BaseName(args.file);
  for (const std::string& p : args.params) {
    size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) return InvalidArgument(fmt::format("--param '{}' is not KEY=VALUE", p));
    // Sent as text; the server types it from the pipeline's inputs.
    request.parameters.emplace_back(p.substr(0, eq), Value::String(p.substr(eq + 1)));
  }
  request.display_name = args.name;
  request.cache_enabled = !args.no_cache;
  request.parallelism = args.parallelism;
  request.experiment_name = args.experiment_name;
  request.experiment_id = args.experiment_id;
  CAIRN_ASSIGN_OR_RETURN(auto client, Connect(args.flags));
  CAIRN_ASSIGN_OR_RETURN(PipelineRunRecord run, client->Submit(request));
  if (!args.wait) {
    if (args.flags.json) {
      PrintRunJson(run, nullptr);
    } else {
      std::printf("%s\n", run.run_id.c_str());
    }
    return Status();
  }
  if (!args.flags.json) {
    std::fprintf(stderr, "Submitted pipeline run %s (%s)\n", run.run_id.c_str(), run.display_name.c_str());
  }
  // Follow the run: one line per task state change.
  std::map<std::string, NodeState> seen;
  int64_t delay_ms = 50;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(auto details, client->GetRun(run.run_id));
    if (!args.flags.json) {
      for (const auto& t : details.tasks) {
        auto it = seen.find(t.node_id);
        if (it != seen.end() && it->second == t.state) continue;
        seen[t.node_id] = t.state;
        if (t.state == NodeState::kPending) continue;
        std::fprintf(stderr, "  %-40s %s%s%s\n", t.node_id.c_str(), std::string(pipelines::NodeStateName(t.state)).c_str(),
                     t.cached ? " (cached)" : "", t.error.empty() ? "" : (" - " + t.error).c_str());
      }
    }
    if (pipelines::IsTerminal(details.run.state)) {
      if (args.flags.json) {
        PrintRunJson(details.run, &details.tasks);
      } else {
        std::printf("%s %s\n", details.run.run_id.c_str(), std::string(pipelines::RunStateName(details.run.state)).c_str());
      }
      return RunOutcome(details.run);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    delay_ms = std::min<int64_t>(delay_ms * 2, 1000);
  }
}

// --------------------------------------------------------------- list

struct ListArgs {
  ClientFlags flags;
  std::string state;
  int64_t max_results = 100;
};

Status List(const ListArgs& args) {
  pipelines::ListRunsRequest request;
  request.max_results = std::min<int64_t>(args.max_results, 1000);
  if (!args.state.empty()) {
    const std::string upper = UpperCase(args.state);
    auto state = pipelines::ParseRunState(upper);
    if (!state) return InvalidArgument(fmt::format("Unknown state '{}'", args.state));
    request.state = *state;
  }
  CAIRN_ASSIGN_OR_RETURN(auto client, Connect(args.flags));
  std::vector<PipelineRunRecord> runs;
  while (static_cast<int64_t>(runs.size()) < args.max_results) {
    CAIRN_ASSIGN_OR_RETURN(auto page, client->ListRuns(request));
    for (auto& r : page.runs) runs.push_back(std::move(r));
    if (page.next_page_token.empty() || page.runs.empty()) break;
    request.page_token = page.next_page_token;
  }
  if (args.flags.json) {
    Value::List items;
    for (const auto& r : runs) items.push_back(pipelines::api::RunToValue(r, false));
    PrintJson(Value::MakeStruct({{"runs", Value::MakeList(std::move(items))}}).ToJson());
    return Status();
  }
  Table table({"RUN ID", "NAME", "STATE", "CREATED (UTC)", "DURATION", "ERROR"});
  for (const auto& r : runs) {
    table.AddRow({r.run_id, r.display_name, std::string(pipelines::RunStateName(r.state)), FormatTimeMillis(r.created_ms),
                  Duration(r.started_ms, r.finished_ms), r.error});
  }
  table.Print();
  return Status();
}

// --------------------------------------------------------------- get

struct GetArgs {
  ClientFlags flags;
  std::string run_id;
};

Status Get(const GetArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto client, Connect(args.flags));
  CAIRN_ASSIGN_OR_RETURN(auto details, client->GetRun(args.run_id));
  if (args.flags.json) {
    PrintRunJson(details.run, &details.tasks);
    return Status();
  }
  const PipelineRunRecord& r = details.run;
  std::printf("Run:        %s\n", r.run_id.c_str());
  std::printf("Name:       %s\n", r.display_name.c_str());
  std::printf("Pipeline:   %s (%s)\n", r.pipeline_name.c_str(), r.source_name.c_str());
  std::printf("State:      %s\n", std::string(pipelines::RunStateName(r.state)).c_str());
  if (!r.error.empty()) std::printf("Error:      %s\n", r.error.c_str());
  std::printf("Created:    %s\n", FormatTimeMillis(r.created_ms).c_str());
  std::printf("Duration:   %s\n", Duration(r.started_ms, r.finished_ms).c_str());
  std::printf("Parameters: %s\n", r.parameters_json.c_str());
  if (!r.outputs_json.empty()) std::printf("Outputs:    %s\n", r.outputs_json.c_str());
  std::printf("Tracking:   experiment %s, run %s\n", r.experiment_id.c_str(), r.mlflow_run_id.c_str());
  std::printf("\n");
  PrintTasks(details.tasks);
  return Status();
}

// --------------------------------------------------------------- logs

struct LogsArgs {
  ClientFlags flags;
  std::string run_id;
  std::string task;
  bool stderr_stream = false;
  bool follow = false;
};

Status PrintTaskLog(client::RestPipelinesClient& client, const std::string& run_id, const std::string& task,
                    pipelines::LogStream stream, bool follow) {
  int64_t offset = 0;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(auto chunk,
                           client.Logs(run_id, task, stream, offset, pipelines::api::kDefaultLogBytes));
    std::fwrite(chunk.data.data(), 1, chunk.data.size(), stdout);
    offset = chunk.next_offset;
    if (!chunk.eof) continue;
    if (!follow || pipelines::IsTerminal(chunk.task_state)) break;
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  std::fflush(stdout);
  return Status();
}

Status Logs(const LogsArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto client, Connect(args.flags));
  auto stream = args.stderr_stream ? pipelines::LogStream::kStderr : pipelines::LogStream::kStdout;
  if (!args.task.empty()) return PrintTaskLog(*client, args.run_id, args.task, stream, args.follow);
  CAIRN_ASSIGN_OR_RETURN(auto details, client->GetRun(args.run_id));
  for (const auto& t : details.tasks) {
    if (t.attempt == 0) continue;  // never ran (or cached)
    std::printf("==> %s <==\n", t.node_id.c_str());
    CAIRN_RETURN_IF_ERROR(PrintTaskLog(*client, args.run_id, t.node_id, stream, false));
  }
  return Status();
}

// --------------------------------------------------------------- cancel

struct CancelArgs {
  ClientFlags flags;
  std::string run_id;
};

Status Cancel(const CancelArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto client, Connect(args.flags));
  CAIRN_RETURN_IF_ERROR(client->Cancel(args.run_id));
  if (!args.flags.json) std::printf("Cancel requested for %s\n", args.run_id.c_str());
  return Status();
}

// --------------------------------------------------------------- validate

struct ValidateArgs {
  ClientFlags flags;
  std::string file;
  bool remote = false;
};

Status Validate(const ValidateArgs& args) {
  std::vector<client::PipelineProblem> problems;
  bool valid = true;
  std::string name;
  if (args.remote) {
    CAIRN_ASSIGN_OR_RETURN(std::string spec, ReadSpecFile(args.file, pipelines::kMaxSpecBytes));
    CAIRN_ASSIGN_OR_RETURN(auto client, Connect(args.flags));
    CAIRN_ASSIGN_OR_RETURN(auto result, client->Validate(spec, BaseName(args.file)));
    problems = std::move(result.problems);
    valid = result.valid;
    name = result.pipeline_name;
  } else {
    auto loaded = pipelines::LoadPipelineFile(args.file);
    if (!loaded.ok()) {
      valid = false;
      problems.push_back({"", loaded.status().message(), "error"});
    } else {
      name = loaded->name;
      for (const auto& p : pipelines::ValidatePipeline(*loaded)) {
        if (p.severity == pipelines::Severity::kError) valid = false;
        problems.push_back({p.location, p.message, std::string(pipelines::SeverityName(p.severity))});
      }
    }
  }
  if (args.flags.json) {
    Value::List items;
    for (const auto& p : problems) {
      items.push_back(Value::MakeStruct({{"location", Value::String(p.location)},
                                         {"message", Value::String(p.message)},
                                         {"severity", Value::String(p.severity)}}));
    }
    PrintJson(Value::MakeStruct({{"valid", Value::Bool(valid)},
                                 {"pipeline_name", Value::String(name)},
                                 {"problems", Value::MakeList(std::move(items))}})
                  .ToJson());
  } else {
    for (const auto& p : problems) {
      std::printf("%s: %s%s%s\n", p.severity.c_str(), p.location.c_str(), p.location.empty() ? "" : ": ",
                  p.message.c_str());
    }
    std::printf("%s: %s\n", args.file.c_str(), valid ? "valid" : "invalid");
  }
  if (!valid) return InvalidArgument(fmt::format("{} is not a valid pipeline", args.file));
  return Status();
}

}  // namespace

void AddPipelinesCommand(CLI::App& app) {
  CLI::App* group = app.add_subcommand("pipelines", "Run and inspect pipelines (KFP IR or cairn YAML) on a server");
  group->require_subcommand(1);

  auto run = std::make_shared<RunArgs>();
  CLI::App* run_cmd = group->add_subcommand("run", "Submit a pipeline file");
  AddClientFlags(*run_cmd, run->flags);
  run_cmd->add_option("file", run->file, "Pipeline YAML (KFP compiled IR or cairn pipeline)")->required();
  run_cmd->add_option("--param,-p", run->params, "KEY=VALUE pipeline parameter, repeatable")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  run_cmd->add_flag("--wait,-w", run->wait, "Follow the run until it ends; exit status 1 unless it succeeded");
  run_cmd->add_option("--name", run->name, "Display name of the run");
  run_cmd->add_flag("--no-cache", run->no_cache, "Do not reuse cached task results in this run");
  run_cmd->add_option("--parallelism", run->parallelism, "Most tasks of this run running at once (0: server bound)")
      ->check(CLI::NonNegativeNumber);
  run_cmd->add_option("--experiment", run->experiment_name, "Tracking experiment name (created if missing)");
  run_cmd->add_option("--experiment-id", run->experiment_id, "Tracking experiment id");
  run_cmd->callback([run] { RunCommand(run->flags, [&] { return Run(*run); }); });

  auto list = std::make_shared<ListArgs>();
  CLI::App* list_cmd = group->add_subcommand("list", "List pipeline runs, newest first");
  AddClientFlags(*list_cmd, list->flags);
  list_cmd->add_option("--state", list->state, "Only runs in this state (RUNNING, SUCCEEDED, FAILED, ...)");
  list_cmd->add_option("--max-results", list->max_results, "Most runs to print")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  list_cmd->callback([list] { RunCommand(list->flags, [&] { return List(*list); }); });

  auto get = std::make_shared<GetArgs>();
  CLI::App* get_cmd = group->add_subcommand("get", "Show a pipeline run and the state of each task");
  AddClientFlags(*get_cmd, get->flags);
  get_cmd->add_option("run_id", get->run_id, "Pipeline run id")->required();
  get_cmd->callback([get] { RunCommand(get->flags, [&] { return Get(*get); }); });

  auto logs = std::make_shared<LogsArgs>();
  CLI::App* logs_cmd = group->add_subcommand("logs", "Print task logs (all tasks, or one with --task)");
  AddClientFlags(*logs_cmd, logs->flags);
  logs_cmd->add_option("run_id", logs->run_id, "Pipeline run id")->required();
  logs_cmd->add_option("--task,-t", logs->task, "Task id as shown by `get` (e.g. exit-handler-1/print-op)");
  logs_cmd->add_flag("--stderr", logs->stderr_stream, "Print stderr instead of stdout");
  logs_cmd->add_flag("--follow,-f", logs->follow, "With --task: keep printing until the task ends");
  logs_cmd->callback([logs] { RunCommand(logs->flags, [&] { return Logs(*logs); }); });

  auto cancel = std::make_shared<CancelArgs>();
  CLI::App* cancel_cmd = group->add_subcommand("cancel", "Cancel a pipeline run (kills its running tasks)");
  AddClientFlags(*cancel_cmd, cancel->flags);
  cancel_cmd->add_option("run_id", cancel->run_id, "Pipeline run id")->required();
  cancel_cmd->callback([cancel] { RunCommand(cancel->flags, [&] { return Cancel(*cancel); }); });

  auto validate = std::make_shared<ValidateArgs>();
  CLI::App* validate_cmd = group->add_subcommand("validate", "Check a pipeline file (locally, or with --remote)");
  AddClientFlags(*validate_cmd, validate->flags);
  validate_cmd->add_option("file", validate->file, "Pipeline YAML")->required();
  validate_cmd->add_flag("--remote", validate->remote, "Ask the server instead of checking locally");
  validate_cmd->callback([validate] { RunCommand(validate->flags, [&] { return Validate(*validate); }); });
}

}  // namespace cairn::cli

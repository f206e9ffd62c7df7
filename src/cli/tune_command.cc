// `cairn tune FILE [--wait]` and `cairn tune list|get|stop|resume|logs|validate`:
// tuning experiments (Katib Experiment YAML or cairn's short study form) on
// a running server, through client::RestTuningClient. `validate` works
// offline (the spec is loaded and checked locally).
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "cli/client_command_support.h"
#include "client/rest_tuning_client.h"
#include "tuning/api/experiment_json.h"
#include "tuning/spec/load.h"

namespace cairn::cli {
namespace {

using pipelines::Value;
using tuning::ExperimentRecord;
using tuning::ExperimentState;
using tuning::TrialPhase;
using tuning::TrialRecord;

Result<std::unique_ptr<client::RestTuningClient>> Connect(const ClientFlags& flags) {
  return client::RestTuningClient::Create(flags.tracking_uri, CliHttpOptions(flags));
}

std::string Objective(const std::optional<double>& v) { return v ? fmt::format("{:.6g}", *v) : ""; }

// "lr=0.01 momentum=0.5"
std::string AssignmentText(const std::string& json) {
  std::string out;
  auto v = Value::ParseJson(json);
  if (!v.ok() || !v->is_list()) return out;
  for (const Value& item : v->as_list()) {
    const Value* n = item.Find("name");
    const Value* val = item.Find("value");
    if (n == nullptr || val == nullptr || !n->is_string() || !val->is_string()) continue;
    if (!out.empty()) out += ' ';
    out += n->as_string() + "=" + val->as_string();
  }
  return out;
}

void PrintTrials(const std::vector<TrialRecord>& trials) {
  Table table({"TRIAL", "STATE", "OBJECTIVE", "PARAMETERS", "REASON"});
  for (const auto& t : trials) {
    table.AddRow({t.name, std::string(tuning::TrialPhaseName(t.state)), Objective(t.objective),
                  AssignmentText(t.assignment_json), t.reason == "TrialSucceeded" ? "" : t.reason});
  }
  table.Print();
}

void PrintSummary(const client::ExperimentDetails& d) {
  const ExperimentRecord& e = d.experiment;
  std::printf("Experiment  %s (%s)\n", e.name.c_str(), e.experiment_id.c_str());
  std::printf("State       %s%s\n", std::string(tuning::ExperimentStateName(e.state)).c_str(),
              e.reason.empty() ? "" : (" (" + e.reason + ")").c_str());
  if (!e.message.empty()) std::printf("Message     %s\n", e.message.c_str());
  std::printf("Algorithm   %s, %s %s\n", e.algorithm.c_str(), e.objective_type.c_str(), e.objective_metric.c_str());
  std::printf("Tracking    experiment %s, run %s\n", e.tracking_experiment_id.c_str(), e.mlflow_run_id.c_str());
  for (const auto& t : d.trials) {
    if (t.name == e.best_trial_name) {
      std::printf("Best trial  %s: %s = %s  (%s)\n", t.name.c_str(), e.objective_metric.c_str(),
                  Objective(t.objective).c_str(), AssignmentText(t.assignment_json).c_str());
    }
  }
  if (const Value* imp = d.raw.Find("parameter_importance");
      imp != nullptr && imp->is_list() && !imp->as_list().empty()) {
    std::string line;
    for (const Value& p : imp->as_list()) {
      const Value* n = p.Find("name");
      const Value* i = p.Find("importance");
      if (n == nullptr || i == nullptr || !n->is_string() || !i->is_number()) continue;
      if (!line.empty()) line += ", ";
      line += fmt::format("{} {:.2f}", n->as_string(), i->as_double());
    }
    std::printf("Importance  %s\n", line.c_str());
  }
}

Status Outcome(const ExperimentRecord& e) {
  if (e.state == ExperimentState::kSucceeded) return Status();
  return Status(StatusCode::kFailedPrecondition,
                fmt::format("experiment {} {}{}", e.name, tuning::ExperimentStateName(e.state),
                            e.message.empty() ? "" : ": " + e.message));
}

// --------------------------------------------------------------- submit

struct SubmitArgs {
  ClientFlags flags;
  std::string file;
  bool wait = false;
  std::string name;
  int64_t max_trials = -1;
  int64_t parallel = -1;
  int64_t max_failed = -1;
  int64_t timeout_s = -1;
  std::string experiment_name;
  std::string experiment_id;
};

Status Submit(const SubmitArgs& args) {
  if (args.file.empty()) {
    return InvalidArgument(
        "Give an experiment file (cairn tune FILE) or a command: list, get, stop, resume, logs, validate.");
  }
  client::SubmitExperimentRequest request;
  CAIRN_ASSIGN_OR_RETURN(request.spec_text, ReadSpecFile(args.file, tuning::kMaxExperimentSpecBytes));
  request.source_name = BaseName(args.file);
  request.name = args.name;
  if (args.max_trials >= 0) request.max_trial_count = args.max_trials;
  if (args.parallel >= 0) request.parallel_trial_count = args.parallel;
  if (args.max_failed >= 0) request.max_failed_trial_count = args.max_failed;
  if (args.timeout_s >= 0) request.trial_timeout_seconds = args.timeout_s;
  request.experiment_name = args.experiment_name;
  request.experiment_id = args.experiment_id;
  CAIRN_ASSIGN_OR_RETURN(auto client, Connect(args.flags));
  CAIRN_ASSIGN_OR_RETURN(ExperimentRecord e, client->Submit(request));
  if (!args.wait) {
    if (args.flags.json) {
      PrintJson(Value::MakeStruct({{"experiment", tuning::api::ExperimentToValue(e, false)}}).ToJson());
    } else {
      std::printf("%s\n", e.experiment_id.c_str());
    }
    return Status();
  }
  if (!args.flags.json) {
    std::fprintf(stderr, "Submitted experiment %s (%s, %s)\n", e.experiment_id.c_str(), e.name.c_str(),
                 e.algorithm.c_str());
  }
  // Follow: one line per trial state change.
  std::map<std::string, TrialPhase> seen;
  int64_t delay_ms = 100;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(auto details, client->Get(e.experiment_id));
    if (!args.flags.json) {
      for (const auto& t : details.trials) {
        auto it = seen.find(t.name);
        if (it != seen.end() && it->second == t.state) continue;
        seen[t.name] = t.state;
        if (t.state == TrialPhase::kPending) continue;
        std::fprintf(
            stderr, "  %-28s %-20s %s%s\n", t.name.c_str(), std::string(tuning::TrialPhaseName(t.state)).c_str(),
            AssignmentText(t.assignment_json).c_str(),
            t.objective ? fmt::format("  -> {}={}", details.experiment.objective_metric, Objective(t.objective)).c_str()
                        : "");
      }
    }
    if (tuning::IsTerminal(details.experiment.state)) {
      if (args.flags.json) {
        PrintJson(details.raw.ToJson());
      } else {
        PrintSummary(details);
      }
      return Outcome(details.experiment);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    delay_ms = std::min<int64_t>(delay_ms * 2, 1000);
  }
}

// --------------------------------------------------------------- list / get / stop / logs / validate

struct ListArgs {
  ClientFlags flags;
  std::string state;
  int64_t max_results = 100;
};

Status List(const ListArgs& args) {
  tuning::ListExperimentsRequest request;
  request.max_results = std::min<int64_t>(args.max_results, 1000);
  if (!args.state.empty()) {
    const std::string upper = UpperCase(args.state);
    auto state = tuning::ParseExperimentState(upper);
    if (!state) return InvalidArgument(fmt::format("Unknown state '{}'", args.state));
    request.state = *state;
  }
  CAIRN_ASSIGN_OR_RETURN(auto client, Connect(args.flags));
  CAIRN_ASSIGN_OR_RETURN(auto page, client->List(request));
  if (args.flags.json) {
    Value::List items;
    for (const auto& e : page.experiments) items.push_back(tuning::api::ExperimentToValue(e, false));
    PrintJson(Value::MakeStruct({{"experiments", Value::MakeList(std::move(items))}}).ToJson());
    return Status();
  }
  Table table({"EXPERIMENT ID", "NAME", "ALGORITHM", "STATE", "BEST TRIAL", "BEST", "CREATED (UTC)"});
  for (const auto& e : page.experiments) {
    table.AddRow({e.experiment_id, e.name, e.algorithm, std::string(tuning::ExperimentStateName(e.state)),
                  e.best_trial_name, Objective(e.best_objective), FormatTimeMillis(e.created_ms)});
  }
  table.Print();
  return Status();
}

struct GetArgs {
  ClientFlags flags;
  std::string id;
};

Status Get(const GetArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto client, Connect(args.flags));
  CAIRN_ASSIGN_OR_RETURN(auto details, client->Get(args.id));
  if (args.flags.json) {
    PrintJson(details.raw.ToJson());
    return Status();
  }
  PrintSummary(details);
  std::printf("\n");
  PrintTrials(details.trials);
  return Status();
}

struct StopArgs {
  ClientFlags flags;
  std::string id;
};

Status Stop(const StopArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto client, Connect(args.flags));
  std::string id = args.id;
  if (id.size() != 32) {
    CAIRN_ASSIGN_OR_RETURN(auto details, client->Get(id, false));
    id = details.experiment.experiment_id;
  }
  CAIRN_RETURN_IF_ERROR(client->Stop(id));
  if (!args.flags.json) std::fprintf(stderr, "Stop requested for experiment %s\n", id.c_str());
  return Status();
}

struct ResumeArgs {
  ClientFlags flags;
  std::string id;
  int64_t max_trials = 0;
};

Status Resume(const ResumeArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto client, Connect(args.flags));
  CAIRN_ASSIGN_OR_RETURN(auto details, client->Get(args.id, false));
  CAIRN_ASSIGN_OR_RETURN(ExperimentRecord e, client->Resume(details.experiment.experiment_id, args.max_trials));
  if (args.flags.json) {
    PrintJson(Value::MakeStruct({{"experiment", tuning::api::ExperimentToValue(e, false)}}).ToJson());
  } else {
    std::fprintf(stderr, "Experiment %s resumed up to %lld trials\n", e.name.c_str(),
                 static_cast<long long>(e.max_trial_count));
  }
  return Status();
}

struct LogsArgs {
  ClientFlags flags;
  std::string id;
  std::string trial;
  bool stderr_stream = false;
};

Status Logs(const LogsArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto client, Connect(args.flags));
  CAIRN_ASSIGN_OR_RETURN(auto details, client->Get(args.id, false));
  int64_t offset = 0;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(auto chunk, client->Logs(details.experiment.experiment_id, args.trial,
                                                    args.stderr_stream ? pipelines::LogStream::kStderr
                                                                       : pipelines::LogStream::kStdout,
                                                    offset, 1 << 20));
    std::fwrite(chunk.data.data(), 1, chunk.data.size(), stdout);
    if (chunk.eof || chunk.data.empty()) break;
    offset = chunk.next_offset;
  }
  return Status();
}

struct ValidateArgs {
  ClientFlags flags;
  std::string file;
};

Status Validate(const ValidateArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(std::string spec, ReadSpecFile(args.file, tuning::kMaxExperimentSpecBytes));
  tuning::LoadedSpec loaded = tuning::LoadExperimentSpecWithProblems(spec, BaseName(args.file));
  if (args.flags.json) {
    Value::List problems;
    for (const auto& p : loaded.problems) {
      problems.push_back(
          Value::MakeStruct({{"location", Value::String(p.location)}, {"message", Value::String(p.message)}}));
    }
    PrintJson(Value::MakeStruct({{"valid", Value::Bool(loaded.problems.empty())},
                                 {"name", Value::String(loaded.spec.name)},
                                 {"problems", Value::MakeList(std::move(problems))}})
                  .ToJson());
  } else if (loaded.problems.empty()) {
    std::printf("%s: valid (%s, %zu parameters, algorithm %s)\n", args.file.c_str(), loaded.spec.name.c_str(),
                loaded.spec.space.parameters.size(), loaded.spec.algorithm.name.c_str());
  }
  if (loaded.problems.empty()) return Status();
  return tuning::LoadExperimentSpec(spec, BaseName(args.file)).status();
}

}  // namespace

void AddTuneCommand(CLI::App& app) {
  CLI::App* group = app.add_subcommand(
      "tune", "Hyperparameter tuning: `cairn tune FILE [--wait]` submits a Katib Experiment or cairn study");
  auto submit = std::make_shared<SubmitArgs>();
  AddClientFlags(*group, submit->flags);
  group->add_option("file", submit->file, "Experiment YAML (Katib v1beta1 Experiment or cairn study)");
  group->add_flag("--wait,-w", submit->wait, "Follow the experiment until it ends; exit status 1 unless it succeeded");
  group->add_option("--name", submit->name, "Experiment name (default: the spec's)");
  group->add_option("--max-trials", submit->max_trials, "Override maxTrialCount")->check(CLI::NonNegativeNumber);
  group->add_option("--parallel", submit->parallel, "Override parallelTrialCount")->check(CLI::PositiveNumber);
  group->add_option("--max-failed", submit->max_failed, "Override maxFailedTrialCount")->check(CLI::NonNegativeNumber);
  group->add_option("--trial-timeout", submit->timeout_s, "Kill a trial after this many seconds")
      ->check(CLI::NonNegativeNumber);
  group->add_option("--experiment", submit->experiment_name, "Tracking experiment name (created if missing)");
  group->add_option("--experiment-id", submit->experiment_id, "Tracking experiment id");
  group->callback([group, submit] {
    if (!group->get_subcommands().empty()) return;
    RunCommand(submit->flags, [&] { return Submit(*submit); });
  });

  auto list = std::make_shared<ListArgs>();
  CLI::App* list_cmd = group->add_subcommand("list", "List tuning experiments, newest first");
  AddClientFlags(*list_cmd, list->flags);
  list_cmd->add_option("--state", list->state, "Only experiments in this state (RUNNING, SUCCEEDED, ...)");
  list_cmd->add_option("--max-results", list->max_results, "Most experiments to print")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  list_cmd->callback([list] { RunCommand(list->flags, [&] { return List(*list); }); });

  auto get = std::make_shared<GetArgs>();
  CLI::App* get_cmd = group->add_subcommand("get", "Show an experiment: state, best trial, importance, trials");
  AddClientFlags(*get_cmd, get->flags);
  get_cmd->add_option("experiment", get->id, "Experiment id or name")->required();
  get_cmd->callback([get] { RunCommand(get->flags, [&] { return Get(*get); }); });

  auto stop = std::make_shared<StopArgs>();
  CLI::App* stop_cmd = group->add_subcommand("stop", "Stop an experiment (kills its running trials)");
  AddClientFlags(*stop_cmd, stop->flags);
  stop_cmd->add_option("experiment", stop->id, "Experiment id or name")->required();
  stop_cmd->callback([stop] { RunCommand(stop->flags, [&] { return Stop(*stop); }); });

  auto resume = std::make_shared<ResumeArgs>();
  CLI::App* resume_cmd =
      group->add_subcommand("resume", "Run a finished LongRunning experiment on, up to a higher --max-trials");
  AddClientFlags(*resume_cmd, resume->flags);
  resume_cmd->add_option("experiment", resume->id, "Experiment id or name")->required();
  resume_cmd->add_option("--max-trials", resume->max_trials, "The new maxTrialCount")
      ->required()
      ->check(CLI::PositiveNumber);
  resume_cmd->callback([resume] { RunCommand(resume->flags, [&] { return Resume(*resume); }); });

  auto logs = std::make_shared<LogsArgs>();
  CLI::App* logs_cmd = group->add_subcommand("logs", "Print a trial's output");
  AddClientFlags(*logs_cmd, logs->flags);
  logs_cmd->add_option("experiment", logs->id, "Experiment id or name")->required();
  logs_cmd->add_option("trial", logs->trial, "Trial name (as shown by `get`)")->required();
  logs_cmd->add_flag("--stderr", logs->stderr_stream, "Print stderr instead of stdout");
  logs_cmd->callback([logs] { RunCommand(logs->flags, [&] { return Logs(*logs); }); });

  auto validate = std::make_shared<ValidateArgs>();
  CLI::App* validate_cmd = group->add_subcommand("validate", "Check an experiment file locally");
  AddClientFlags(*validate_cmd, validate->flags);
  validate_cmd->add_option("file", validate->file, "Experiment YAML")->required();
  validate_cmd->callback([validate] { RunCommand(validate->flags, [&] { return Validate(*validate); }); });
}

}  // namespace cairn::cli

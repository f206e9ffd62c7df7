// `cairn runs list|get|search`.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "base/json_writer.h"
#include "cli/client_command_support.h"
#include "mlflow_wire/encode.h"
#include "tracking/entities.h"

namespace cairn::cli {
namespace {

using tracking::Run;

struct SearchArgs {
  ClientFlags flags;
  std::vector<std::string> experiment_ids;
  std::vector<std::string> experiment_names;
  std::string filter;
  std::vector<std::string> order_by;
  std::string view = "active";
  int64_t max_results = 1000;
};

Result<tracking::ViewType> ParseView(const std::string& view) {
  if (view == "active") return tracking::ViewType::kActiveOnly;
  if (view == "deleted") return tracking::ViewType::kDeletedOnly;
  if (view == "all") return tracking::ViewType::kAll;
  return InvalidArgument(fmt::format("Unknown view '{}'", view));
}

// MLflow's spellings for non-finite values, "%g" otherwise.
std::string FormatNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{:g}", value);
}

void PrintRunsTable(const std::vector<Run>& runs) {
  Table table({"RUN ID", "NAME", "STATUS", "EXPERIMENT", "START (UTC)", "DURATION"});
  for (const auto& run : runs) {
    const auto& info = run.info;
    std::string duration = info.end_time ? FormatDuration(*info.end_time - info.start_time) : "";
    table.AddRow({info.run_id, info.run_name, std::string(tracking::RunStatusName(info.status)), info.experiment_id,
                  FormatTimeMillis(info.start_time), duration});
  }
  table.Print();
}

Status Search(const SearchArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto store, ConnectStore(args.flags));
  tracking::SearchRunsRequest request;
  request.experiment_ids = args.experiment_ids;
  for (const auto& name : args.experiment_names) {
    CAIRN_ASSIGN_OR_RETURN(auto experiment, store->GetExperimentByName(name));
    request.experiment_ids.push_back(experiment.experiment_id);
  }
  // Neither given: the Default experiment, as MLflow clients assume.
  if (request.experiment_ids.empty()) request.experiment_ids.push_back("0");
  request.filter = args.filter;
  request.order_by = args.order_by;
  CAIRN_ASSIGN_OR_RETURN(request.view_type, ParseView(args.view));
  std::vector<Run> runs;
  while (int64_t(runs.size()) < args.max_results) {
    request.max_results = std::min<int64_t>(args.max_results - int64_t(runs.size()), 1000);
    CAIRN_ASSIGN_OR_RETURN(auto page, store->SearchRuns(request));
    for (auto& run : page.items) runs.push_back(std::move(run));
    // Servers send a token whenever a page is full, so the last one may be
    // empty: stop on an empty page too.
    if (page.next_page_token.empty() || page.items.empty()) break;
    request.page_token = page.next_page_token;
  }
  if (args.flags.json) {
    JsonWriter w;
    w.StartObject().Key("runs").StartArray();
    for (const auto& run : runs) mlflow_wire::WriteRun(w, run);
    w.EndArray().EndObject();
    PrintJson(w.view());
    return Status::Ok();
  }
  PrintRunsTable(runs);
  return Status::Ok();
}

struct GetArgs {
  ClientFlags flags;
  std::string run_id;
};

Status Get(const GetArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto store, ConnectStore(args.flags));
  CAIRN_ASSIGN_OR_RETURN(Run run, store->GetRun(args.run_id));
  if (args.flags.json) {
    JsonWriter w;
    w.StartObject().Key("run");
    mlflow_wire::WriteRun(w, run);
    w.EndObject();
    PrintJson(w.view());
    return Status::Ok();
  }
  const auto& info = run.info;
  Table summary({"FIELD", "VALUE"});
  summary.AddRow({"run_id", info.run_id});
  summary.AddRow({"run_name", info.run_name});
  summary.AddRow({"experiment_id", info.experiment_id});
  summary.AddRow({"user_id", info.user_id});
  summary.AddRow({"status", std::string(tracking::RunStatusName(info.status))});
  summary.AddRow({"lifecycle_stage", std::string(tracking::LifecycleStageName(info.lifecycle_stage))});
  summary.AddRow({"start_time", FormatTimeMillis(info.start_time)});
  summary.AddRow({"end_time", info.end_time ? FormatTimeMillis(*info.end_time) : ""});
  summary.AddRow({"artifact_uri", info.artifact_uri});
  summary.Print();

  auto by_key = [](const auto& a, const auto& b) { return a.key < b.key; };
  if (!run.params.empty()) {
    auto params = run.params;
    std::sort(params.begin(), params.end(), by_key);
    fmt::print("\n");
    Table table({"PARAM", "VALUE"});
    for (const auto& p : params) table.AddRow({p.key, p.value});
    table.Print();
  }
  if (!run.metrics.empty()) {
    auto metrics = run.metrics;
    std::sort(metrics.begin(), metrics.end(), by_key);
    fmt::print("\n");
    Table table({"METRIC", "VALUE", "STEP", "TIMESTAMP (UTC)"});
    for (const auto& m : metrics) {
      table.AddRow({m.key, FormatNumber(m.value), std::to_string(m.step), FormatTimeMillis(m.timestamp)});
    }
    table.Print();
  }
  if (!run.tags.empty()) {
    auto tags = run.tags;
    std::sort(tags.begin(), tags.end(), by_key);
    fmt::print("\n");
    Table table({"TAG", "VALUE"});
    for (const auto& t : tags) table.AddRow({t.key, t.value});
    table.Print();
  }
  if (!run.dataset_inputs.empty()) {
    fmt::print("\n");
    Table table({"DATASET", "DIGEST", "SOURCE TYPE", "SOURCE"});
    for (const auto& input : run.dataset_inputs) {
      const auto& d = input.dataset;
      table.AddRow({d.name, d.digest, d.source_type, d.source});
    }
    table.Print();
  }
  return Status::Ok();
}

void AddSearchOptions(CLI::App& command, SearchArgs& args, bool with_filter) {
  AddClientFlags(command, args.flags);
  command.add_option("--experiment-id", args.experiment_ids, "Experiment id, repeatable (default: 0)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command.add_option("--experiment-name", args.experiment_names, "Experiment name, repeatable")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command.add_option("--view", args.view, "Lifecycle stage to list")
      ->check(CLI::IsMember({"active", "deleted", "all"}))
      ->capture_default_str();
  command.add_option("--max-results", args.max_results, "Most runs to print")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  if (!with_filter) return;
  command.add_option("--filter", args.filter, "MLflow filter, e.g. \"metrics.acc > 0.9 and params.lr = '0.1'\"");
  command.add_option("--order-by", args.order_by, "Order clause, repeatable (e.g. \"metrics.acc DESC\")")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

}  // namespace

void AddRunsCommand(CLI::App& app) {
  CLI::App* group = app.add_subcommand("runs", "List, show and search runs on a tracking server");
  group->require_subcommand(1);

  auto list = std::make_shared<SearchArgs>();
  CLI::App* list_cmd = group->add_subcommand("list", "List the runs of experiments, newest first");
  AddSearchOptions(*list_cmd, *list, /*with_filter=*/false);
  list_cmd->callback([list] { RunCommand(list->flags, [&] { return Search(*list); }); });

  auto get = std::make_shared<GetArgs>();
  CLI::App* get_cmd = group->add_subcommand("get", "Show one run: info, params, latest metrics, tags");
  AddClientFlags(*get_cmd, get->flags);
  get_cmd->add_option("run_id", get->run_id, "Run id")->required();
  get_cmd->callback([get] { RunCommand(get->flags, [&] { return Get(*get); }); });

  auto search = std::make_shared<SearchArgs>();
  CLI::App* search_cmd = group->add_subcommand("search", "Search runs with an MLflow filter and ordering");
  AddSearchOptions(*search_cmd, *search, /*with_filter=*/true);
  search_cmd->callback([search] { RunCommand(search->flags, [&] { return Search(*search); }); });
}

}  // namespace cairn::cli

// `cairn experiments list|create|delete`.
#include <fmt/format.h>

#include "base/json_writer.h"
#include "cli/client_command_support.h"
#include "mlflow_wire/encode.h"
#include "tracking/entities.h"

namespace cairn::cli {
namespace {

using tracking::Experiment;

Result<tracking::ViewType> ParseView(const std::string& view) {
  if (view == "active") return tracking::ViewType::kActiveOnly;
  if (view == "deleted") return tracking::ViewType::kDeletedOnly;
  if (view == "all") return tracking::ViewType::kAll;
  return InvalidArgument(fmt::format("Unknown view '{}'", view));
}

// "k=v" -> Tag; the value may contain '='.
Result<tracking::Tag> ParseTag(const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return InvalidArgument(fmt::format("Tag '{}' is not KEY=VALUE", text));
  return tracking::Tag{text.substr(0, eq), text.substr(eq + 1)};
}

struct ListArgs {
  ClientFlags flags;
  std::string view = "active";
  std::string filter;
  std::vector<std::string> order_by;
  int64_t max_results = 1000;
};

Status List(const ListArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto store, ConnectStore(args.flags));
  tracking::SearchExperimentsRequest request;
  CAIRN_ASSIGN_OR_RETURN(request.view_type, ParseView(args.view));
  request.filter = args.filter;
  request.order_by = args.order_by;
  std::vector<Experiment> experiments;
  // Pages until max_results experiments or the last page.
  while (int64_t(experiments.size()) < args.max_results) {
    request.max_results = std::min<int64_t>(args.max_results - int64_t(experiments.size()), 1000);
    CAIRN_ASSIGN_OR_RETURN(auto page, store->SearchExperiments(request));
    for (auto& e : page.items) experiments.push_back(std::move(e));
    if (page.next_page_token.empty() || page.items.empty()) break;
    request.page_token = page.next_page_token;
  }
  if (args.flags.json) {
    JsonWriter w;
    w.StartObject().Key("experiments").StartArray();
    for (const auto& e : experiments) mlflow_wire::WriteExperiment(w, e);
    w.EndArray().EndObject();
    PrintJson(w.view());
    return Status::Ok();
  }
  Table table({"ID", "NAME", "STAGE", "ARTIFACT LOCATION", "CREATED (UTC)"});
  for (const auto& e : experiments) {
    table.AddRow({e.experiment_id, e.name, std::string(tracking::LifecycleStageName(e.lifecycle_stage)),
                  e.artifact_location, FormatTimeMillis(e.creation_time)});
  }
  table.Print();
  return Status::Ok();
}

struct CreateArgs {
  ClientFlags flags;
  std::string name;
  std::string artifact_location;
  std::vector<std::string> tags;
};

Status Create(const CreateArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto store, ConnectStore(args.flags));
  tracking::CreateExperimentRequest request;
  request.name = args.name;
  request.artifact_location = args.artifact_location;
  for (const auto& text : args.tags) {
    CAIRN_ASSIGN_OR_RETURN(auto tag, ParseTag(text));
    request.tags.push_back(std::move(tag));
  }
  CAIRN_ASSIGN_OR_RETURN(std::string id, store->CreateExperiment(request));
  if (args.flags.json) {
    JsonWriter w;
    w.StartObject().Field("experiment_id", id).EndObject();
    PrintJson(w.view());
  } else {
    fmt::print("Created experiment '{}' with id {}\n", args.name, id);
  }
  return Status::Ok();
}

struct DeleteArgs {
  ClientFlags flags;
  std::string experiment_id;
};

Status Delete(const DeleteArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto store, ConnectStore(args.flags));
  CAIRN_RETURN_IF_ERROR(store->DeleteExperiment(args.experiment_id));
  if (args.flags.json) {
    PrintJson("{}");
  } else {
    fmt::print("Deleted experiment {}\n", args.experiment_id);
  }
  return Status::Ok();
}

}  // namespace

void AddExperimentsCommand(CLI::App& app) {
  CLI::App* group = app.add_subcommand("experiments", "List, create and delete experiments on a tracking server");
  group->require_subcommand(1);

  auto list = std::make_shared<ListArgs>();
  CLI::App* list_cmd = group->add_subcommand("list", "List experiments");
  AddClientFlags(*list_cmd, list->flags);
  list_cmd->add_option("--view", list->view, "Lifecycle stage to list")
      ->check(CLI::IsMember({"active", "deleted", "all"}))
      ->capture_default_str();
  list_cmd->add_option("--filter", list->filter, "MLflow filter, e.g. \"name LIKE 'prod%'\"");
  list_cmd->add_option("--order-by", list->order_by, "Order clause, repeatable (e.g. \"name ASC\")")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  list_cmd->add_option("--max-results", list->max_results, "Most experiments to print")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  list_cmd->callback([list] { RunCommand(list->flags, [&] { return List(*list); }); });

  auto create = std::make_shared<CreateArgs>();
  CLI::App* create_cmd = group->add_subcommand("create", "Create an experiment and print its id");
  AddClientFlags(*create_cmd, create->flags);
  create_cmd->add_option("name", create->name, "Experiment name")->required();
  create_cmd->add_option("--artifact-location", create->artifact_location,
                         "Artifact root (default: chosen by the server)");
  create_cmd->add_option("--tag", create->tags, "KEY=VALUE tag, repeatable")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  create_cmd->callback([create] { RunCommand(create->flags, [&] { return Create(*create); }); });

  auto del = std::make_shared<DeleteArgs>();
  CLI::App* delete_cmd = group->add_subcommand("delete", "Delete (soft) an experiment and its runs");
  AddClientFlags(*delete_cmd, del->flags);
  delete_cmd->add_option("experiment_id", del->experiment_id, "Experiment id")->required();
  delete_cmd->callback([del] { RunCommand(del->flags, [&] { return Delete(*del); }); });
}

}  // namespace cairn::cli

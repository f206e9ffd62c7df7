// `cairn models list|get|create-version|set-alias|delete-alias|lineage`: the
// model registry of a running server, through client::RestRegistryStore.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "base/json_reader.h"
#include "base/json_writer.h"
#include "cli/client_command_support.h"
#include "client/rest_registry_store.h"
#include "mlflow_wire/registry_encode.h"
#include "registry/entities.h"

namespace cairn::cli {
namespace {

using registry::ModelVersion;
using registry::RegisteredModel;

Result<std::unique_ptr<client::RestRegistryStore>> ConnectRegistry(const ClientFlags& flags) {
  return client::RestRegistryStore::Create(flags.tracking_uri, CliHttpOptions(flags));
}

std::string Join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string AliasList(const RegisteredModel& model) {
  std::vector<std::string> items;
  for (const auto& a : model.aliases) items.push_back(fmt::format("{}->{}", a.alias, a.version));
  return Join(items);
}

// A filter value in quotes the filter grammar accepts.
Result<std::string> QuoteFilterValue(const std::string& value) {
  if (value.find('\'') == std::string::npos) return fmt::format("'{}'", value);
  if (value.find('"') == std::string::npos) return fmt::format("\"{}\"", value);
  return InvalidArgument("Model names with both ' and \" cannot be searched.");
}

// NAME@ALIAS or NAME/VERSION (a leading "models:/" is accepted too).
struct VersionRef {
  std::string name;
  std::optional<int64_t> version;
  std::string alias;
};

Result<VersionRef> ParseVersionRef(std::string_view text) {
  if (text.substr(0, 8) == "models:/") text.remove_prefix(8);
  VersionRef ref;
  size_t at = text.rfind('@');
  if (at != std::string_view::npos) {
    ref.name = std::string(text.substr(0, at));
    ref.alias = std::string(text.substr(at + 1));
  } else if (size_t slash = text.rfind('/'); slash != std::string_view::npos) {
    ref.name = std::string(text.substr(0, slash));
    auto version = ParseInt64(text.substr(slash + 1));
    if (!version || *version <= 0) {
      return InvalidArgument(fmt::format("'{}' is not a version number", text.substr(slash + 1)));
    }
    ref.version = *version;
  }
  if (ref.name.empty() || (!ref.version && ref.alias.empty())) {
    return InvalidArgument(fmt::format("Expected NAME@ALIAS or NAME/VERSION, got '{}'", text));
  }
  return ref;
}

void PrintVersionsTable(const std::vector<ModelVersion>& versions) {
  Table table({"VERSION", "STAGE", "STATUS", "ALIASES", "RUN ID", "SOURCE", "CREATED (UTC)"});
  for (const auto& v : versions) {
    table.AddRow({std::to_string(v.version), std::string(registry::StageName(v.current_stage)),
                  std::string(registry::ModelVersionStatusName(v.status)), Join(v.aliases), v.run_id, v.source,
                  FormatTimeMillis(v.creation_timestamp)});
  }
  table.Print();
}

struct ListArgs {
  ClientFlags flags;
  std::string filter;
  std::vector<std::string> order_by;
  int64_t max_results = 1000;
};

Status List(const ListArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto store, ConnectRegistry(args.flags));
  registry::SearchRequest request;
  request.filter = args.filter;
  request.order_by = args.order_by;
  std::vector<RegisteredModel> models;
  while (int64_t(models.size()) < args.max_results) {
    request.max_results = std::min<int64_t>(args.max_results - int64_t(models.size()), 1000);
    CAIRN_ASSIGN_OR_RETURN(auto page, store->SearchRegisteredModels(request));
    for (auto& m : page.items) models.push_back(std::move(m));
    if (page.next_page_token.empty() || page.items.empty()) break;
    request.page_token = page.next_page_token;
  }
  if (args.flags.json) {
    JsonWriter w;
    w.StartObject().Key("registered_models").StartArray();
    for (const auto& m : models) mlflow_wire::WriteRegisteredModel(w, m);
    w.EndArray().EndObject();
    PrintJson(w.view());
    return Status::Ok();
  }
  Table table({"NAME", "LATEST VERSION", "ALIASES", "UPDATED (UTC)", "DESCRIPTION"});
  for (const auto& m : models) {
    int64_t latest = 0;
    for (const auto& v : m.latest_versions) latest = std::max(latest, v.version);
    table.AddRow({m.name, latest ? std::to_string(latest) : "", AliasList(m), FormatTimeMillis(m.last_updated_timestamp),
                  m.description});
  }
  table.Print();
  return Status::Ok();
}

struct GetArgs {
  ClientFlags flags;
  std::string name;
};

Status Get(const GetArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto store, ConnectRegistry(args.flags));
  CAIRN_ASSIGN_OR_RETURN(RegisteredModel model, store->GetRegisteredModel(args.name));
  registry::SearchRequest request;
  CAIRN_ASSIGN_OR_RETURN(std::string quoted, QuoteFilterValue(args.name));
  request.filter = "name = " + quoted;
  request.max_results = 1000;
  std::vector<ModelVersion> versions;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(auto page, store->SearchModelVersions(request));
    for (auto& v : page.items) versions.push_back(std::move(v));
    if (page.next_page_token.empty() || page.items.empty()) break;
    request.page_token = page.next_page_token;
  }
  std::sort(versions.begin(), versions.end(),
            [](const ModelVersion& a, const ModelVersion& b) { return a.version > b.version; });
  if (args.flags.json) {
    JsonWriter w;
    w.StartObject().Key("registered_model");
    mlflow_wire::WriteRegisteredModel(w, model);
    w.Key("model_versions").StartArray();
    for (const auto& v : versions) mlflow_wire::WriteModelVersion(w, v);
    w.EndArray().EndObject();
    PrintJson(w.view());
    return Status::Ok();
  }
  Table summary({"FIELD", "VALUE"});
  summary.AddRow({"name", model.name});
  summary.AddRow({"description", model.description});
  summary.AddRow({"aliases", AliasList(model)});
  summary.AddRow({"created", FormatTimeMillis(model.creation_timestamp)});
  summary.AddRow({"updated", FormatTimeMillis(model.last_updated_timestamp)});
  summary.AddRow({"user_id", model.user_id});
  for (const auto& tag : model.tags) summary.AddRow({"tag " + tag.key, tag.value});
  summary.Print();
  if (!versions.empty()) {
    fmt::print("\n");
    PrintVersionsTable(versions);
  }
  return Status::Ok();
}

struct CreateVersionArgs {
  ClientFlags flags;
  std::string name;
  std::string source;
  std::string run_id;
  std::string description;
  std::vector<std::string> tags;
  bool create_model = false;
};

Status CreateVersion(const CreateVersionArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto store, ConnectRegistry(args.flags));
  registry::CreateModelVersionRequest request;
  request.name = args.name;
  request.source = args.source;
  request.run_id = args.run_id;
  request.description = args.description;
  for (const auto& text : args.tags) {
    size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) return InvalidArgument(fmt::format("Tag '{}' is not KEY=VALUE", text));
    request.tags.push_back({text.substr(0, eq), text.substr(eq + 1)});
  }
  registry::Actor actor;
  if (args.create_model) {
    auto created = store->CreateRegisteredModel(actor, args.name, {}, "");
    if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) return created.status();
  }
  CAIRN_ASSIGN_OR_RETURN(ModelVersion version, store->CreateModelVersion(actor, request));
  if (args.flags.json) {
    JsonWriter w;
    w.StartObject().Key("model_version");
    mlflow_wire::WriteModelVersion(w, version);
    w.EndObject();
    PrintJson(w.view());
    return Status::Ok();
  }
  PrintVersionsTable({version});
  return Status::Ok();
}

struct AliasArgs {
  ClientFlags flags;
  std::string name;
  std::string alias;
  int64_t version = 0;
};

Status SetAlias(const AliasArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto store, ConnectRegistry(args.flags));
  CAIRN_RETURN_IF_ERROR(store->SetAlias({}, args.name, args.alias, args.version));
  if (args.flags.json) {
    JsonWriter w;
    w.StartObject().Field("name", args.name).Field("alias", args.alias).Field("version", std::to_string(args.version));
    w.EndObject();
    PrintJson(w.view());
  } else {
    fmt::print("{}@{} -> version {}\n", args.name, args.alias, args.version);
  }
  return Status::Ok();
}

Status DeleteAlias(const AliasArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto store, ConnectRegistry(args.flags));
  CAIRN_RETURN_IF_ERROR(store->DeleteAlias({}, args.name, args.alias));
  if (args.flags.json) {
    PrintJson("{}");
  } else {
    fmt::print("Deleted alias {}@{}\n", args.name, args.alias);
  }
  return Status::Ok();
}

struct LineageArgs {
  ClientFlags flags;
  std::string ref;
};

std::string Str(const JsonObjectView& object, std::string_view key) {
  auto value = object.GetString(key);
  return value.ok() && value->has_value() ? **value : "";
}
int64_t Int(const JsonObjectView& object, std::string_view key) {
  auto value = object.GetInt64(key);
  return value.ok() && value->has_value() ? **value : 0;
}
std::string KeyValues(const JsonObjectView& object, std::string_view field, bool skip_system) {
  auto items = object.GetArray(field);
  if (!items.ok() || !items->has_value()) return "";
  auto objects = (*items)->Objects(field);
  if (!objects.ok()) return "";
  std::vector<std::string> out;
  for (const auto& item : *objects) {
    std::string key = Str(item, "key");
    if (skip_system && key.rfind("mlflow.", 0) == 0) continue;
    auto value = item.GetString("value");
    std::string text = value.ok() && value->has_value() ? **value : "";
    if (text.empty()) {
      auto number = item.GetDouble("value");
      if (number.ok() && number->has_value()) text = fmt::format("{:g}", **number);
    }
    out.push_back(fmt::format("{}={}", key, text));
  }
  return Join(out);
}

void PrintRun(const JsonObjectView& run, int depth) {
  std::string indent(size_t(depth) * 2, ' ');
  std::string title = depth == 0 ? "source run" : "parent run";
  fmt::print("\n{}{}\n", indent, title);
  Table table({indent + "FIELD", "VALUE"});
  table.AddRow({indent + "run_id", Str(run, "run_id")});
  table.AddRow({indent + "run_name", Str(run, "run_name")});
  table.AddRow({indent + "experiment", fmt::format("{} ({})", Str(run, "experiment_id"), Str(run, "experiment_name"))});
  table.AddRow({indent + "status", Str(run, "status") + " / " + Str(run, "lifecycle_stage")});
  table.AddRow({indent + "started", FormatTimeMillis(Int(run, "start_time"))});
  if (auto code = run.GetObject("code"); code.ok() && code->has_value()) {
    for (const char* key : {"git_commit", "git_repo_url", "git_branch", "source_name", "source_type", "entry_point",
                            "docker_image"}) {
      std::string value = Str(**code, key);
      if (!value.empty()) table.AddRow({indent + key, value});
    }
  }
  table.AddRow({indent + "params", KeyValues(run, "params", false)});
  table.AddRow({indent + "metrics", KeyValues(run, "metrics", false)});
  table.AddRow({indent + "tags", KeyValues(run, "tags", true)});
  if (auto datasets = run.GetArray("datasets"); datasets.ok() && datasets->has_value()) {
    if (auto objects = (*datasets)->Objects("datasets"); objects.ok()) {
      for (const auto& d : *objects) {
        std::string context = Str(d, "context");
        table.AddRow({indent + "dataset", fmt::format("{} (digest {}{}) {}", Str(d, "name"), Str(d, "digest"),
                                                      context.empty() ? "" : ", " + context, Str(d, "source"))});
      }
    }
  }
  table.Print();
  if (auto parent = run.GetObject("parent_run"); parent.ok() && parent->has_value()) PrintRun(**parent, depth + 1);
}

Status Lineage(const LineageArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(VersionRef ref, ParseVersionRef(args.ref));
  CAIRN_ASSIGN_OR_RETURN(auto store, ConnectRegistry(args.flags));
  CAIRN_ASSIGN_OR_RETURN(std::string json, store->GetLineageJson(ref.name, ref.version, ref.alias));
  if (args.flags.json) {
    PrintJson(json);
    return Status::Ok();
  }
  CAIRN_ASSIGN_OR_RETURN(auto doc, JsonDocument::ParseObject(json));
  auto version = doc.root().GetObject("model_version");
  if (!version.ok() || !version->has_value()) return Internal("The lineage response has no model_version.");
  const JsonObjectView& v = **version;
  std::vector<std::string> aliases;
  if (auto list = v.GetArray("aliases"); list.ok() && list->has_value()) {
    if (auto strings = (*list)->Strings("aliases"); strings.ok()) aliases = *strings;
  }
  fmt::print("model version\n");
  Table table({"FIELD", "VALUE"});
  table.AddRow({"name", Str(v, "name")});
  table.AddRow({"version", Str(v, "version")});
  table.AddRow({"aliases", Join(aliases)});
  table.AddRow({"stage", Str(v, "current_stage")});
  table.AddRow({"status", Str(v, "status")});
  table.AddRow({"source", Str(v, "source")});
  table.AddRow({"storage_location", Str(v, "storage_location")});
  table.AddRow({"created", fmt::format("{} by {}", FormatTimeMillis(Int(v, "creation_timestamp")),
                                       Str(v, "user_id").empty() ? "-" : Str(v, "user_id"))});
  table.Print();
  if (auto run = doc.root().GetObject("run"); run.ok() && run->has_value()) PrintRun(**run, 0);
  if (auto warnings = doc.root().GetArray("warnings"); warnings.ok() && warnings->has_value()) {
    if (auto strings = (*warnings)->Strings("warnings"); strings.ok()) {
      fmt::print("\n");
      for (const auto& warning : *strings) fmt::print("warning: {}\n", warning);
    }
  }
  return Status::Ok();
}

}  // namespace

void AddModelsCommand(CLI::App& app) {
  CLI::App* group = app.add_subcommand("models", "Registered models, versions, aliases and lineage on a server");
  group->require_subcommand(1);

  auto list = std::make_shared<ListArgs>();
  CLI::App* list_cmd = group->add_subcommand("list", "List registered models");
  AddClientFlags(*list_cmd, list->flags);
  list_cmd->add_option("--filter", list->filter, "Registry filter, e.g. \"name LIKE 'iris%'\" or \"tags.team = 'ml'\"");
  list_cmd->add_option("--order-by", list->order_by, "Order clause, repeatable (e.g. \"name DESC\")")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  list_cmd->add_option("--max-results", list->max_results, "Most models to print")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  list_cmd->callback([list] { RunCommand(list->flags, [&] { return List(*list); }); });

  auto get = std::make_shared<GetArgs>();
  CLI::App* get_cmd = group->add_subcommand("get", "Show a registered model and its versions");
  AddClientFlags(*get_cmd, get->flags);
  get_cmd->add_option("name", get->name, "Registered model name")->required();
  get_cmd->callback([get] { RunCommand(get->flags, [&] { return Get(*get); }); });

  auto create = std::make_shared<CreateVersionArgs>();
  CLI::App* create_cmd = group->add_subcommand(
      "create-version", "Register a new version from a source (runs:/<run_id>/<path> copies the run's files)");
  AddClientFlags(*create_cmd, create->flags);
  create_cmd->add_option("name", create->name, "Registered model name")->required();
  create_cmd->add_option("source", create->source, "runs:/<run_id>/<path>, models:/..., or an artifact URI")
      ->required();
  create_cmd->add_option("--run-id", create->run_id, "Run the version comes from (implied by runs:/ sources)");
  create_cmd->add_option("--description", create->description, "Version description");
  create_cmd->add_option("--tag", create->tags, "KEY=VALUE, repeatable")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  create_cmd->add_flag("--create-model", create->create_model, "Create the registered model if it does not exist");
  create_cmd->callback([create] { RunCommand(create->flags, [&] { return CreateVersion(*create); }); });

  auto set_alias = std::make_shared<AliasArgs>();
  CLI::App* set_cmd = group->add_subcommand("set-alias", "Point an alias at a version (moves it if set)");
  AddClientFlags(*set_cmd, set_alias->flags);
  set_cmd->add_option("name", set_alias->name, "Registered model name")->required();
  set_cmd->add_option("alias", set_alias->alias, "Alias, e.g. champion")->required();
  set_cmd->add_option("version", set_alias->version, "Version number")->required()->check(CLI::PositiveNumber);
  set_cmd->callback([set_alias] { RunCommand(set_alias->flags, [&] { return SetAlias(*set_alias); }); });

  auto delete_alias = std::make_shared<AliasArgs>();
  CLI::App* delete_cmd = group->add_subcommand("delete-alias", "Remove an alias");
  AddClientFlags(*delete_cmd, delete_alias->flags);
  delete_cmd->add_option("name", delete_alias->name, "Registered model name")->required();
  delete_cmd->add_option("alias", delete_alias->alias, "Alias")->required();
  delete_cmd->callback([delete_alias] { RunCommand(delete_alias->flags, [&] { return DeleteAlias(*delete_alias); }); });

  auto lineage = std::make_shared<LineageArgs>();
  CLI::App* lineage_cmd =
      group->add_subcommand("lineage", "Where a model version came from: source run, code version, datasets");
  AddClientFlags(*lineage_cmd, lineage->flags);
  lineage_cmd->add_option("model", lineage->ref, "NAME@ALIAS or NAME/VERSION")->required();
  lineage_cmd->callback([lineage] { RunCommand(lineage->flags, [&] { return Lineage(*lineage); }); });
}

}  // namespace cairn::cli

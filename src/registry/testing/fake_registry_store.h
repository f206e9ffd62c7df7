// FakeRegistryStore: an in-memory RegistryStore for unit tests of code above
// the registry seam (URI resolution, handlers, clients). Test-only,
// header-only. Thread-safe (one mutex).
//
// Follows the RegistryStore contract for the parts tests rely on: version
// numbers are max+1 and never reused, deleting a version drops its aliases,
// renames carry versions and aliases, every mutation appends an AuditEvent.
// Search supports only an empty filter or `name = '<x>'` (anything else is
// kUnimplemented: filter semantics are the SQL store's contract suite's job);
// results are ordered by name, then version descending, paged by offset.
// Logged models without an artifact_location get
// "mlflow-artifacts:/<experiment_id>/models/<model_id>/artifacts".
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "registry/registry_store.h"
#include "tracking/page_token.h"

namespace cairn::registry::testing {

class FakeRegistryStore final : public RegistryStore {
 public:
  // Time for every timestamp; tests may change it between calls.
  void SetNow(int64_t now_ms) {
    std::lock_guard lock(mu_);
    now_ = now_ms;
  }

  Result<RegisteredModel> CreateRegisteredModel(const Actor& actor, const std::string& name,
                                                const std::vector<Tag>& tags, const std::string& description) override {
    std::lock_guard lock(mu_);
    if (name.empty()) return InvalidArgument("Registered model name cannot be empty.");
    if (models_.count(name)) return AlreadyExists(fmt::format("Registered Model (name={}) already exists.", name));
    Model& m = models_[name];
    m.info.name = name;
    m.info.creation_timestamp = m.info.last_updated_timestamp = now_;
    m.info.user_id = actor.user;
    m.info.description = description;
    m.info.tags = tags;
    Audit(actor, "create_registered_model", name, "");
    return Snapshot(m);
  }

  Result<RegisteredModel> GetRegisteredModel(const std::string& name) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    return Snapshot(*m);
  }

  Result<RegisteredModel> RenameRegisteredModel(const Actor& actor, const std::string& name,
                                                const std::string& new_name) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    if (new_name.empty()) return InvalidArgument("Registered model name cannot be empty.");
    if (models_.count(new_name)) return AlreadyExists(fmt::format("Registered Model (name={}) already exists.", new_name));
    Model moved = std::move(*m);
    models_.erase(name);
    moved.info.name = new_name;
    moved.info.last_updated_timestamp = now_;
    for (auto& [number, v] : moved.versions) v.name = new_name;
    Model& placed = models_[new_name] = std::move(moved);
    Audit(actor, "rename_registered_model", new_name, "", fmt::format(R"({{"old_name":"{}"}})", name));
    return Snapshot(placed);
  }

  Result<RegisteredModel> UpdateRegisteredModel(const Actor& actor, const std::string& name,
                                                const std::string& description) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    m->info.description = description;
    m->info.last_updated_timestamp = now_;
    Audit(actor, "update_registered_model", name, "");
    return Snapshot(*m);
  }

  Status DeleteRegisteredModel(const Actor& actor, const std::string& name) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    (void)m;
    models_.erase(name);
    Audit(actor, "delete_registered_model", name, "");
    return Status::Ok();
  }

  Result<Page<RegisteredModel>> SearchRegisteredModels(const SearchRequest& request) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(std::string only, NameFilter(request.filter));
    std::vector<RegisteredModel> all;
    for (auto& [name, m] : models_) {
      if (only.empty() || name == only) all.push_back(Snapshot(m));
    }
    return PageOf(std::move(all), request);
  }

  Result<std::vector<ModelVersion>> GetLatestVersions(const std::string& name,
                                                      const std::vector<Stage>& stages) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    return Latest(*m, stages);
  }

  Status SetRegisteredModelTag(const Actor& actor, const std::string& name, const Tag& tag) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    Upsert(m->info.tags, tag);
    Audit(actor, "set_registered_model_tag", name, "");
    return Status::Ok();
  }

  Status DeleteRegisteredModelTag(const Actor& actor, const std::string& name, const std::string& key) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    CAIRN_RETURN_IF_ERROR(Erase(m->info.tags, key));
    Audit(actor, "delete_registered_model_tag", name, "");
    return Status::Ok();
  }

  Status SetAlias(const Actor& actor, const std::string& name, const std::string& alias, int64_t version) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    CAIRN_ASSIGN_OR_RETURN(ModelVersion * v, FindVersion(*m, version));
    (void)v;
    m->aliases[alias] = version;
    Audit(actor, "set_alias", name, std::to_string(version));
    return Status::Ok();
  }

  Status DeleteAlias(const Actor& actor, const std::string& name, const std::string& alias) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    if (!m->aliases.erase(alias)) return NotFound(fmt::format("Alias '{}' not found for model '{}'.", alias, name));
    Audit(actor, "delete_alias", name, "");
    return Status::Ok();
  }

  Result<ModelVersion> GetVersionByAlias(const std::string& name, const std::string& alias) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    auto it = m->aliases.find(alias);
    if (it == m->aliases.end()) return NotFound(fmt::format("Alias '{}' not found for model '{}'.", alias, name));
    CAIRN_ASSIGN_OR_RETURN(ModelVersion * v, FindVersion(*m, it->second));
    return Snapshot(*m, *v);
  }

  Result<ModelVersion> CreateModelVersion(const Actor& actor, const CreateModelVersionRequest& request) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(request.name));
    ModelVersion v;
    v.name = request.name;
    v.version = ++m->max_version;
    v.creation_timestamp = v.last_updated_timestamp = now_;
    v.user_id = actor.user;
    v.description = request.description;
    v.source = request.source;
    v.storage_location = request.storage_location.empty() ? request.source : request.storage_location;
    v.run_id = request.run_id;
    v.tags = request.tags;
    v.run_link = request.run_link;
    v.model_id = request.model_id;
    m->versions[v.version] = v;
    m->info.last_updated_timestamp = now_;
    Audit(actor, "create_model_version", request.name, std::to_string(v.version));
    return Snapshot(*m, m->versions[v.version]);
  }

  Result<ModelVersion> GetModelVersion(const std::string& name, int64_t version) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    CAIRN_ASSIGN_OR_RETURN(ModelVersion * v, FindVersion(*m, version));
    return Snapshot(*m, *v);
  }

  Result<ModelVersion> UpdateModelVersion(const Actor& actor, const std::string& name, int64_t version,
                                          const std::string& description) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    CAIRN_ASSIGN_OR_RETURN(ModelVersion * v, FindVersion(*m, version));
    v->description = description;
    v->last_updated_timestamp = now_;
    Audit(actor, "update_model_version", name, std::to_string(version));
    return Snapshot(*m, *v);
  }

  Status DeleteModelVersion(const Actor& actor, const std::string& name, int64_t version) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    CAIRN_ASSIGN_OR_RETURN(ModelVersion * v, FindVersion(*m, version));
    (void)v;
    m->versions.erase(version);
    std::erase_if(m->aliases, [&](const auto& entry) { return entry.second == version; });
    Audit(actor, "delete_model_version", name, std::to_string(version));
    return Status::Ok();
  }

  Result<Page<ModelVersion>> SearchModelVersions(const SearchRequest& request) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(std::string only, NameFilter(request.filter));
    std::vector<ModelVersion> all;
    for (auto& [name, m] : models_) {
      if (!only.empty() && name != only) continue;
      for (auto it = m.versions.rbegin(); it != m.versions.rend(); ++it) all.push_back(Snapshot(m, it->second));
    }
    return PageOf(std::move(all), request);
  }

  Result<ModelVersion> TransitionStage(const Actor& actor, const std::string& name, int64_t version, Stage stage,
                                       bool archive_existing) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    CAIRN_ASSIGN_OR_RETURN(ModelVersion * v, FindVersion(*m, version));
    if (archive_existing && (stage == Stage::kStaging || stage == Stage::kProduction)) {
      for (auto& [number, other] : m->versions) {
        if (number != version && other.current_stage == stage) other.current_stage = Stage::kArchived;
      }
    }
    v->current_stage = stage;
    v->last_updated_timestamp = now_;
    Audit(actor, "transition_stage", name, std::to_string(version));
    return Snapshot(*m, *v);
  }

  Status SetModelVersionTag(const Actor& actor, const std::string& name, int64_t version, const Tag& tag) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    CAIRN_ASSIGN_OR_RETURN(ModelVersion * v, FindVersion(*m, version));
    Upsert(v->tags, tag);
    Audit(actor, "set_model_version_tag", name, std::to_string(version));
    return Status::Ok();
  }

  Status DeleteModelVersionTag(const Actor& actor, const std::string& name, int64_t version,
                               const std::string& key) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(Model * m, Find(name));
    CAIRN_ASSIGN_OR_RETURN(ModelVersion * v, FindVersion(*m, version));
    CAIRN_RETURN_IF_ERROR(Erase(v->tags, key));
    Audit(actor, "delete_model_version_tag", name, std::to_string(version));
    return Status::Ok();
  }

  Result<std::vector<AuditEvent>> ListAuditEvents(const std::string& model_name, int64_t max_results) override {
    std::lock_guard lock(mu_);
    std::vector<AuditEvent> out;
    for (auto it = audit_.rbegin(); it != audit_.rend() && int64_t(out.size()) < max_results; ++it) {
      if (model_name.empty() || it->model_name == model_name) out.push_back(*it);
    }
    return out;
  }

  Result<LoggedModel> CreateLoggedModel(const Actor& actor, const LoggedModel& model) override {
    std::lock_guard lock(mu_);
    LoggedModel m = model;
    m.model_id = fmt::format("m-{:032x}", ++logged_model_counter_);
    m.creation_timestamp_ms = m.last_updated_timestamp_ms = now_;
    if (m.artifact_location.empty()) {
      // The fake has no experiments: assume the proxied default root.
      m.artifact_location = fmt::format("mlflow-artifacts:/{}/models/{}/artifacts", m.experiment_id, m.model_id);
    }
    logged_models_[m.model_id] = m;
    return m;
  }

  Result<LoggedModel> GetLoggedModel(const std::string& model_id) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(LoggedModel * m, FindLogged(model_id));
    return *m;
  }

  Result<LoggedModel> FinalizeLoggedModel(const Actor& actor, const std::string& model_id,
                                          LoggedModelStatus status) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(LoggedModel * m, FindLogged(model_id));
    m->status = status;
    m->last_updated_timestamp_ms = now_;
    return *m;
  }

  Status DeleteLoggedModel(const Actor& actor, const std::string& model_id) override {
    std::lock_guard lock(mu_);
    if (!logged_models_.erase(model_id)) return NotFound(fmt::format("Logged model '{}' not found.", model_id));
    return Status::Ok();
  }

  Result<Page<LoggedModel>> SearchLoggedModels(const SearchLoggedModelsRequest& request) override {
    std::lock_guard lock(mu_);
    if (!request.filter.empty()) return Unimplemented("FakeRegistryStore does not filter logged models.");
    std::vector<LoggedModel> all;
    for (auto& [id, m] : logged_models_) {
      if (std::find(request.experiment_ids.begin(), request.experiment_ids.end(), m.experiment_id) !=
          request.experiment_ids.end()) {
        all.push_back(m);
      }
    }
    SearchRequest paging;
    paging.max_results = request.max_results;
    paging.page_token = request.page_token;
    return PageOf(std::move(all), paging);
  }

  Status SetLoggedModelTags(const Actor& actor, const std::string& model_id, const std::vector<Tag>& tags) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(LoggedModel * m, FindLogged(model_id));
    for (const auto& tag : tags) Upsert(m->tags, tag);
    return Status::Ok();
  }

  Status DeleteLoggedModelTag(const Actor& actor, const std::string& model_id, const std::string& key) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(LoggedModel * m, FindLogged(model_id));
    return Erase(m->tags, key);
  }

  Status LogLoggedModelParams(const Actor& actor, const std::string& model_id,
                              const std::vector<Tag>& params) override {
    std::lock_guard lock(mu_);
    CAIRN_ASSIGN_OR_RETURN(LoggedModel * m, FindLogged(model_id));
    for (const auto& param : params) Upsert(m->params, param);
    return Status::Ok();
  }

 private:
  struct Model {
    RegisteredModel info;  // latest_versions and aliases are computed
    std::map<int64_t, ModelVersion> versions;
    std::map<std::string, int64_t> aliases;
    int64_t max_version = 0;
  };

  Result<Model*> Find(const std::string& name) {
    auto it = models_.find(name);
    if (it == models_.end()) return NotFound(fmt::format("Registered Model with name={} not found", name));
    return &it->second;
  }
  static Result<ModelVersion*> FindVersion(Model& m, int64_t version) {
    auto it = m.versions.find(version);
    if (it == m.versions.end()) {
      return NotFound(fmt::format("Model Version (name={}, version={}) not found", m.info.name, version));
    }
    return &it->second;
  }
  Result<LoggedModel*> FindLogged(const std::string& id) {
    auto it = logged_models_.find(id);
    if (it == logged_models_.end()) return NotFound(fmt::format("Logged model '{}' not found.", id));
    return &it->second;
  }

  static ModelVersion Snapshot(const Model& m, const ModelVersion& v) {
    ModelVersion out = v;
    out.aliases.clear();
    for (const auto& [alias, number] : m.aliases) {
      if (number == v.version) out.aliases.push_back(alias);
    }
    return out;
  }
  static std::vector<ModelVersion> Latest(const Model& m, const std::vector<Stage>& stages) {
    std::map<Stage, const ModelVersion*> latest;
    for (const auto& [number, v] : m.versions) latest[v.current_stage] = &v;
    std::vector<ModelVersion> out;
    for (const auto& [stage, v] : latest) {
      if (stages.empty() || std::find(stages.begin(), stages.end(), stage) != stages.end()) {
        out.push_back(Snapshot(m, *v));
      }
    }
    return out;
  }
  static RegisteredModel Snapshot(const Model& m) {
    RegisteredModel out = m.info;
    out.latest_versions = Latest(m, {});
    for (const auto& [alias, number] : m.aliases) out.aliases.push_back({alias, number});
    return out;
  }
  static void Upsert(std::vector<Tag>& tags, const Tag& tag) {
    for (auto& t : tags) {
      if (t.key == tag.key) {
        t.value = tag.value;
        return;
      }
    }
    tags.push_back(tag);
  }
  static Status Erase(std::vector<Tag>& tags, const std::string& key) {
    auto removed = std::erase_if(tags, [&](const Tag& t) { return t.key == key; });
    if (removed == 0) return NotFound(fmt::format("No tag with key '{}'.", key));
    return Status::Ok();
  }
  static Result<std::string> NameFilter(const std::string& filter) {
    if (filter.empty()) return std::string();
    constexpr std::string_view kPrefix = "name = '";
    if (filter.rfind(kPrefix, 0) == 0 && filter.size() > kPrefix.size() && filter.back() == '\'') {
      return filter.substr(kPrefix.size(), filter.size() - kPrefix.size() - 1);
    }
    return Unimplemented("FakeRegistryStore supports only `name = '<x>'` filters.");
  }
  template <typename T>
  static Result<Page<T>> PageOf(std::vector<T> all, const SearchRequest& request) {
    CAIRN_ASSIGN_OR_RETURN(int64_t offset, tracking::DecodePageToken(request.page_token));
    Page<T> page;
    for (int64_t i = offset; i < int64_t(all.size()) && int64_t(page.items.size()) < request.max_results; ++i) {
      page.items.push_back(std::move(all[size_t(i)]));
    }
    if (offset + int64_t(page.items.size()) < int64_t(all.size())) {
      page.next_page_token = tracking::EncodePageToken(offset + int64_t(page.items.size()));
    }
    return page;
  }
  void Audit(const Actor& actor, std::string action, const std::string& name, std::string version,
             std::string details = "{}") {
    AuditEvent e;
    e.id = int64_t(audit_.size()) + 1;
    e.timestamp = now_;
    e.actor = actor.user;
    e.action = std::move(action);
    e.model_name = name;
    e.version = std::move(version);
    e.details = std::move(details);
    audit_.push_back(std::move(e));
  }

  std::mutex mu_;
  int64_t now_ = 1000;                               // GUARDED_BY(mu_)
  std::map<std::string, Model> models_;              // GUARDED_BY(mu_)
  std::map<std::string, LoggedModel> logged_models_;  // GUARDED_BY(mu_)
  int64_t logged_model_counter_ = 0;                 // GUARDED_BY(mu_)
  std::vector<AuditEvent> audit_;                    // GUARDED_BY(mu_)
};

}  // namespace cairn::registry::testing

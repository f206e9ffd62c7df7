// SqlRegistryStore: the RegistryStore on the same SQL database (sql::Backend)
// as the tracking store (schema migration 2).
//
// Contract, errors and durability: those of registry::RegistryStore
// (registry/registry_store.h); MLflow-specific details:
//  * messages follow MLflow's SQL store: "Registered Model with name=X not
//    found", "Model Version (name=X, version=N) not found", "Registered Model
//    (name=X) already exists.";
//  * DeleteModelVersion is a soft delete: current_stage 'Deleted_Internal',
//    source/storage_location "REDACTED-SOURCE-PATH", run_id
//    "REDACTED-RUN-ID", run_link "REDACTED-RUN-LINK", description, user_id,
//    status_message and tags cleared, aliases removed; the version number is
//    never reused;
//  * renames and version changes bump the model's last_updated_timestamp
//    (rename also bumps every version's, as MLflow does);
//  * TransitionStage with archive_existing and a stage other than Staging /
//    Production is kInvalidArgument (MLflow answers 500);
//  * searches: max_results outside 1..1000 (models), 1..200000 (versions),
//    1..50000 (logged models) is kInvalidArgument; next_page_token only when
//    more results exist; offset tokens (tracking/page_token.h);
//  * logged models: model_id "m-<32 hex>", name defaults to a random
//    "adjective-noun-NNN", artifact_location "" becomes
//    "<experiment artifact_location>/models/<model_id>/artifacts"; the
//    experiment must exist (kNotFound) and be active (kInvalidArgument);
//    FinalizeLoggedModel accepts READY or UPLOAD_FAILED (kInvalidArgument for
//    PENDING; READY cannot become UPLOAD_FAILED); params are immutable (same
//    value again is OK, another value kInvalidArgument); DeleteLoggedModel is
//    a soft delete after which the model is kNotFound;
//  * audit events: action names create_registered_model,
//    rename_registered_model, update_registered_model,
//    delete_registered_model, set_registered_model_tag,
//    delete_registered_model_tag, set_alias, delete_alias,
//    create_model_version, update_model_version, delete_model_version,
//    transition_stage, set_model_version_tag, delete_model_version_tag,
//    create_logged_model, finalize_logged_model, delete_logged_model,
//    set_logged_model_tags, delete_logged_model_tag, log_logged_model_params.
//    A rename is recorded under the new name (details carry old_name);
//    logged-model events use the model_id as model_name.
//
// Thread-safety: thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "registry/registry_store.h"
#include "store/sql/backend.h"

namespace cairn::store::sql {

class SqlRegistryStore final : public registry::RegistryStore {
 public:
  // A store over an opened (possibly shared) database.
  explicit SqlRegistryStore(std::shared_ptr<Backend> db);
  ~SqlRegistryStore() override;
  SqlRegistryStore(const SqlRegistryStore&) = delete;
  SqlRegistryStore& operator=(const SqlRegistryStore&) = delete;

  // --- registered models, aliases, audit (registry_store.cc) ---
  Result<registry::RegisteredModel> CreateRegisteredModel(const registry::Actor& actor, const std::string& name,
                                                          const std::vector<registry::Tag>& tags,
                                                          const std::string& description) override;
  Result<registry::RegisteredModel> GetRegisteredModel(const std::string& name) override;
  Result<registry::RegisteredModel> RenameRegisteredModel(const registry::Actor& actor, const std::string& name,
                                                          const std::string& new_name) override;
  Result<registry::RegisteredModel> UpdateRegisteredModel(const registry::Actor& actor, const std::string& name,
                                                          const std::string& description) override;
  Status DeleteRegisteredModel(const registry::Actor& actor, const std::string& name) override;
  Result<registry::Page<registry::RegisteredModel>> SearchRegisteredModels(
      const registry::SearchRequest& request) override;
  Result<std::vector<registry::ModelVersion>> GetLatestVersions(const std::string& name,
                                                                const std::vector<registry::Stage>& stages) override;
  Status SetRegisteredModelTag(const registry::Actor& actor, const std::string& name,
                               const registry::Tag& tag) override;
  Status DeleteRegisteredModelTag(const registry::Actor& actor, const std::string& name,
                                  const std::string& key) override;
  Status SetAlias(const registry::Actor& actor, const std::string& name, const std::string& alias,
                  int64_t version) override;
  Status DeleteAlias(const registry::Actor& actor, const std::string& name, const std::string& alias) override;
  Result<registry::ModelVersion> GetVersionByAlias(const std::string& name, const std::string& alias) override;
  Result<std::vector<registry::AuditEvent>> ListAuditEvents(const std::string& model_name,
                                                            int64_t max_results) override;

  // --- model versions (registry_store_versions.cc) ---
  Result<registry::ModelVersion> CreateModelVersion(const registry::Actor& actor,
                                                    const registry::CreateModelVersionRequest& request) override;
  Result<registry::ModelVersion> GetModelVersion(const std::string& name, int64_t version) override;
  Result<registry::ModelVersion> UpdateModelVersion(const registry::Actor& actor, const std::string& name,
                                                    int64_t version, const std::string& description) override;
  Status DeleteModelVersion(const registry::Actor& actor, const std::string& name, int64_t version) override;
  Result<registry::Page<registry::ModelVersion>> SearchModelVersions(const registry::SearchRequest& request) override;
  Result<registry::ModelVersion> TransitionStage(const registry::Actor& actor, const std::string& name,
                                                 int64_t version, registry::Stage stage,
                                                 bool archive_existing) override;
  Status SetModelVersionTag(const registry::Actor& actor, const std::string& name, int64_t version,
                            const registry::Tag& tag) override;
  Status DeleteModelVersionTag(const registry::Actor& actor, const std::string& name, int64_t version,
                               const std::string& key) override;

  // --- logged models (registry_store_logged_models.cc) ---
  Result<registry::LoggedModel> CreateLoggedModel(const registry::Actor& actor,
                                                  const registry::LoggedModel& model) override;
  Result<registry::LoggedModel> GetLoggedModel(const std::string& model_id) override;
  Result<registry::LoggedModel> FinalizeLoggedModel(const registry::Actor& actor, const std::string& model_id,
                                                    registry::LoggedModelStatus status) override;
  Status DeleteLoggedModel(const registry::Actor& actor, const std::string& model_id) override;
  Result<registry::Page<registry::LoggedModel>> SearchLoggedModels(
      const registry::SearchLoggedModelsRequest& request) override;
  Status SetLoggedModelTags(const registry::Actor& actor, const std::string& model_id,
                            const std::vector<registry::Tag>& tags) override;
  Status DeleteLoggedModelTag(const registry::Actor& actor, const std::string& model_id,
                              const std::string& key) override;
  Status LogLoggedModelParams(const registry::Actor& actor, const std::string& model_id,
                              const std::vector<registry::Tag>& params) override;

 private:
  int64_t NowMillis() const { return db_->NowMillis(); }
  Status Write(const Backend::TxFn& fn) { return db_->Write(fn); }
  Status Read(const Backend::TxFn& fn) { return db_->Read(fn); }

  const std::shared_ptr<Backend> db_;
};

}  // namespace cairn::store::sql

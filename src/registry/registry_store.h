// RegistryStore: the seam between the registry API and where registry
// metadata lives (the same SQLite database as tracking by default).
//
// Contract (tests/contract/registry_store_contract_test.cc runs it on every
// implementation):
//  * Thread-safe; an OK return is durable against a process crash.
//  * Errors: kNotFound for unknown models/versions/aliases/tags (deleted
//    versions are unknown); kAlreadyExists for a taken model name;
//    kInvalidArgument for bad filters/order_by/page tokens, reserved or
//    malformed aliases, and invalid stages.
//  * Version numbers are max+1 per model and never reused after deletion.
//  * Deleting a version removes the aliases that point at it. Renaming a
//    model carries its versions, tags and aliases along.
//  * Every mutation appends an AuditEvent in the same transaction.
//  * Wire-level validation (name/tag/description limits) is the caller's
//    job: see registry/validation.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "registry/entities.h"

namespace cairn::registry {

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;
};

// Who makes a change; recorded in the audit trail and as user_id.
struct Actor {
  std::string user;  // "" when authentication is off
};

struct SearchRequest {
  std::string filter;  // models: name, tags.<k>; versions: name, version_number, run_id, source_path, tags.<k>
  int64_t max_results = 100;
  std::vector<std::string> order_by;
  std::string page_token;
};

struct CreateModelVersionRequest {
  std::string name;
  std::string source;
  std::string storage_location;  // "" -> same as source
  std::string run_id;
  std::vector<Tag> tags;
  std::string run_link;
  std::string description;
  std::string model_id;
};

struct SearchLoggedModelsRequest {
  std::vector<std::string> experiment_ids;
  std::string filter;  // name, model_type, status, source_run_id, tags.<k>, params.<k>
  int64_t max_results = 50;
  std::vector<std::string> order_by;  // "<field> [ASC|DESC]"
  std::string page_token;
};

class RegistryStore {
 public:
  virtual ~RegistryStore() = default;

  // --- registered models ---
  virtual Result<RegisteredModel> CreateRegisteredModel(const Actor& actor, const std::string& name,
                                                        const std::vector<Tag>& tags,
                                                        const std::string& description) = 0;
  virtual Result<RegisteredModel> GetRegisteredModel(const std::string& name) = 0;
  virtual Result<RegisteredModel> RenameRegisteredModel(const Actor& actor, const std::string& name,
                                                        const std::string& new_name) = 0;
  virtual Result<RegisteredModel> UpdateRegisteredModel(const Actor& actor, const std::string& name,
                                                        const std::string& description) = 0;
  // Hard delete with all versions, tags and aliases.
  virtual Status DeleteRegisteredModel(const Actor& actor, const std::string& name) = 0;
  virtual Result<Page<RegisteredModel>> SearchRegisteredModels(const SearchRequest& request) = 0;
  // Latest version per stage; empty `stages` = all stages.
  virtual Result<std::vector<ModelVersion>> GetLatestVersions(const std::string& name,
                                                              const std::vector<Stage>& stages) = 0;
  virtual Status SetRegisteredModelTag(const Actor& actor, const std::string& name, const Tag& tag) = 0;
  virtual Status DeleteRegisteredModelTag(const Actor& actor, const std::string& name, const std::string& key) = 0;

  // --- aliases ---
  // Moves the alias if it already points elsewhere.
  virtual Status SetAlias(const Actor& actor, const std::string& name, const std::string& alias, int64_t version) = 0;
  virtual Status DeleteAlias(const Actor& actor, const std::string& name, const std::string& alias) = 0;
  virtual Result<ModelVersion> GetVersionByAlias(const std::string& name, const std::string& alias) = 0;

  // --- model versions ---
  virtual Result<ModelVersion> CreateModelVersion(const Actor& actor, const CreateModelVersionRequest& request) = 0;
  virtual Result<ModelVersion> GetModelVersion(const std::string& name, int64_t version) = 0;
  virtual Result<ModelVersion> UpdateModelVersion(const Actor& actor, const std::string& name, int64_t version,
                                                  const std::string& description) = 0;
  virtual Status DeleteModelVersion(const Actor& actor, const std::string& name, int64_t version) = 0;
  virtual Result<Page<ModelVersion>> SearchModelVersions(const SearchRequest& request) = 0;
  // With archive_existing, other versions in `stage` become Archived.
  virtual Result<ModelVersion> TransitionStage(const Actor& actor, const std::string& name, int64_t version,
                                               Stage stage, bool archive_existing) = 0;
  virtual Status SetModelVersionTag(const Actor& actor, const std::string& name, int64_t version, const Tag& tag) = 0;
  virtual Status DeleteModelVersionTag(const Actor& actor, const std::string& name, int64_t version,
                                       const std::string& key) = 0;

  // --- audit trail ---
  // Newest first; `model_name` "" = all models.
  virtual Result<std::vector<AuditEvent>> ListAuditEvents(const std::string& model_name, int64_t max_results) = 0;

  // --- logged models (MLflow 3) ---
  // `model.model_id` and timestamps are assigned by the store; the
  // experiment must exist (kNotFound) and be active (kInvalidArgument). An
  // empty `model.artifact_location` becomes
  // "<experiment artifact_location>/models/<model_id>/artifacts".
  virtual Result<LoggedModel> CreateLoggedModel(const Actor& actor, const LoggedModel& model) = 0;
  virtual Result<LoggedModel> GetLoggedModel(const std::string& model_id) = 0;
  virtual Result<LoggedModel> FinalizeLoggedModel(const Actor& actor, const std::string& model_id,
                                                  LoggedModelStatus status) = 0;
  virtual Status DeleteLoggedModel(const Actor& actor, const std::string& model_id) = 0;
  virtual Result<Page<LoggedModel>> SearchLoggedModels(const SearchLoggedModelsRequest& request) = 0;
  virtual Status SetLoggedModelTags(const Actor& actor, const std::string& model_id, const std::vector<Tag>& tags) = 0;
  virtual Status DeleteLoggedModelTag(const Actor& actor, const std::string& model_id, const std::string& key) = 0;
  virtual Status LogLoggedModelParams(const Actor& actor, const std::string& model_id,
                                      const std::vector<Tag>& params) = 0;
};

}  // namespace cairn::registry

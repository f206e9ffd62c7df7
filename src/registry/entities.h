// Model-registry domain types: registered models, versions, aliases, logged
// models (MLflow 3) and the audit trail. Plain values; wire formats live in
// frontends/ and client/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::registry {

struct Tag {
  std::string key;
  std::string value;
  friend bool operator==(const Tag&, const Tag&) = default;
};

// Stages are deprecated in MLflow 2.9 (aliases replace them) but legacy
// clients still transition versions. "Deleted_Internal" is never exposed.
enum class Stage { kNone, kStaging, kProduction, kArchived };
std::string_view StageName(Stage stage);  // "None", "Staging", "Production", "Archived"
// Case-insensitive.
std::optional<Stage> ParseStage(std::string_view text);

enum class ModelVersionStatus { kPendingRegistration, kFailedRegistration, kReady };
std::string_view ModelVersionStatusName(ModelVersionStatus status);  // "READY", ...

struct ModelVersion {
  std::string name;
  int64_t version = 0;  // 1, 2, ... never reused; a string on the wire
  int64_t creation_timestamp = 0;
  int64_t last_updated_timestamp = 0;
  std::string user_id;
  Stage current_stage = Stage::kNone;
  std::string description;
  std::string source;            // as given: runs:/..., models:/..., mlflow-artifacts:/..., s3://...
  std::string storage_location;  // where the version's files live (a copy for runs:/ sources)
  std::string run_id;
  ModelVersionStatus status = ModelVersionStatus::kReady;
  std::string status_message;
  std::vector<Tag> tags;
  std::string run_link;
  std::vector<std::string> aliases;
  std::string model_id;  // MLflow 3 logged model, if any
};

struct Alias {
  std::string alias;
  int64_t version = 0;
};

struct RegisteredModel {
  std::string name;
  int64_t creation_timestamp = 0;
  int64_t last_updated_timestamp = 0;
  std::string user_id;
  std::string description;
  std::vector<ModelVersion> latest_versions;  // latest per stage
  std::vector<Tag> tags;
  std::vector<Alias> aliases;
};

// MLflow 3 logged model: a first-class model entity inside an experiment.
enum class LoggedModelStatus { kPending, kReady, kUploadFailed };
std::string_view LoggedModelStatusName(LoggedModelStatus status);  // "LOGGED_MODEL_READY", ...
std::optional<LoggedModelStatus> ParseLoggedModelStatus(std::string_view text);

struct LoggedModel {
  std::string model_id;  // "m-<32 hex>"
  std::string experiment_id;
  std::string name;
  std::string artifact_location;  // <experiment root>/models/<model_id>/artifacts
  int64_t creation_timestamp_ms = 0;
  int64_t last_updated_timestamp_ms = 0;
  std::string model_type;
  std::string source_run_id;
  LoggedModelStatus status = LoggedModelStatus::kPending;
  std::string status_message;
  std::vector<Tag> tags;
  std::vector<Tag> params;
};

// One registry change, for the audit trail.
struct AuditEvent {
  int64_t id = 0;
  int64_t timestamp = 0;  // ms
  std::string actor;      // who (the request's identity; "" when auth is off)
  std::string action;     // e.g. "create_model_version", "set_alias"
  std::string model_name;
  std::string version;  // "" when not about one version
  std::string details;  // JSON object with the change's arguments
};

}  // namespace cairn::registry

// Lookups and checks shared by SqliteRegistryStore's .cc files, with MLflow's
// error messages. Private to store/sqlite. Thread-compatible: the caller owns
// `db` (a read transaction or the writer's transaction).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "registry/entities.h"
#include "store/sqlite/sqlite_db.h"

namespace cairn::store::sqlite::registry_internal {

Status ModelNotFound(std::string_view name);
Status VersionNotFound(std::string_view name, int64_t version);
Status LoggedModelNotFound(std::string_view model_id);
// kAlreadyExists "Registered Model (name=X) already exists." keeping
// `cause`'s internal context.
Status ModelNameTaken(std::string_view name, const Status& cause);

// kNotFound unless the registered model exists.
Status RequireModel(Database& db, const std::string& name);
// kNotFound unless the version exists and is not soft-deleted.
Status RequireVersion(Database& db, const std::string& name, int64_t version);
// kNotFound unless the logged model exists and is not deleted.
Status RequireLoggedModel(Database& db, const std::string& model_id);

// Sets the model's last_updated_time.
Status TouchModel(Database& db, const std::string& name, int64_t now);
// Sets the logged model's last_updated_timestamp_ms.
Status TouchLoggedModel(Database& db, const std::string& model_id, int64_t now);

Status UpsertModelTag(Database& db, const std::string& name, const registry::Tag& tag);
Status UpsertVersionTag(Database& db, const std::string& name, int64_t version, const registry::Tag& tag);
Status UpsertLoggedModelTag(Database& db, const std::string& model_id, const registry::Tag& tag);
// Params are immutable: the same value again is OK; another value is
// kInvalidArgument.
Status InsertLoggedModelParam(Database& db, const std::string& model_id, const registry::Tag& param);

// Whole entities with their children; kNotFound as the Require* checks.
Result<registry::RegisteredModel> LoadModel(Database& db, const std::string& name);
Result<registry::ModelVersion> LoadVersion(Database& db, const std::string& name, int64_t version);
Result<registry::LoggedModel> LoadLoggedModel(Database& db, const std::string& model_id);

}  // namespace cairn::store::sqlite::registry_internal

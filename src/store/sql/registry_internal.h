// Lookups and checks shared by SqlRegistryStore's .cc files, with MLflow's
// error messages. Private to store/sql. Thread-compatible: the caller owns
// `db` (a read transaction or the writer's transaction).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "registry/entities.h"
#include "store/sql/connection.h"

namespace cairn::store::sql::registry_internal {

Status ModelNotFound(std::string_view name);
Status VersionNotFound(std::string_view name, int64_t version);
Status LoggedModelNotFound(std::string_view model_id);
// kAlreadyExists "Registered Model (name=X) already exists." keeping
// `cause`'s internal context.
Status ModelNameTaken(std::string_view name, const Status& cause);

// kNotFound unless the registered model exists.
Status RequireModel(Connection& db, const std::string& name);
// kNotFound unless the version exists and is not soft-deleted.
Status RequireVersion(Connection& db, const std::string& name, int64_t version);
// kNotFound unless the logged model exists and is not deleted.
Status RequireLoggedModel(Connection& db, const std::string& model_id);

// Sets the model's last_updated_time.
Status TouchModel(Connection& db, const std::string& name, int64_t now);
// Sets the logged model's last_updated_timestamp_ms.
Status TouchLoggedModel(Connection& db, const std::string& model_id, int64_t now);

Status UpsertModelTag(Connection& db, const std::string& name, const registry::Tag& tag);
Status UpsertVersionTag(Connection& db, const std::string& name, int64_t version, const registry::Tag& tag);
Status UpsertLoggedModelTag(Connection& db, const std::string& model_id, const registry::Tag& tag);
// Params are immutable: the same value again is OK; another value is
// kInvalidArgument.
Status InsertLoggedModelParam(Connection& db, const std::string& model_id, const registry::Tag& param);

// Whole entities with their children; kNotFound as the Require* checks.
Result<registry::RegisteredModel> LoadModel(Connection& db, const std::string& name);
Result<registry::ModelVersion> LoadVersion(Connection& db, const std::string& name, int64_t version);
Result<registry::LoggedModel> LoadLoggedModel(Connection& db, const std::string& model_id);

}  // namespace cairn::store::sql::registry_internal

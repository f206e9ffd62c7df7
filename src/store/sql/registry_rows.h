// Row <-> entity conversion for the registry tables, and set-based loading
// of what hangs off a page of registry entities: one query per child table
// for the whole page (tags, aliases, latest versions per stage and their
// tags), never one query per row.
//
// Children come sorted: tags by key, aliases by alias, latest_versions by
// stage (None, Staging, Production, Archived).
// Errors: kInternal / kUnavailable from the database. Thread-compatible: the
// caller owns `db` for the duration of the call (a read transaction or the
// writer's transaction).
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"
#include "registry/entities.h"
#include "store/sql/connection.h"

namespace cairn::store::sql {

// The stage value of soft-deleted versions; never leaves the store.
inline constexpr std::string_view kStageDeletedInternal = "Deleted_Internal";

// Columns 0..4 read by ReadRegisteredModel; registered_models aliased `m`.
inline constexpr std::string_view kRegisteredModelColumns =
    "m.name, m.creation_time, m.last_updated_time, m.user_id, m.description";
registry::RegisteredModel ReadRegisteredModel(const Statement& stmt);

// Columns 0..13 read by ReadModelVersion; model_versions aliased `v`.
inline constexpr std::string_view kModelVersionColumns =
    "v.name, v.version, v.creation_time, v.last_updated_time, v.user_id, v.current_stage, v.description, "
    "v.source, v.storage_location, v.run_id, v.status, v.status_message, v.run_link, v.model_id";
registry::ModelVersion ReadModelVersion(const Statement& stmt);

// Columns 0..9 read by ReadLoggedModel; logged_models aliased `l`.
inline constexpr std::string_view kLoggedModelColumns =
    "l.model_id, l.experiment_id, l.name, l.artifact_location, l.creation_timestamp_ms, "
    "l.last_updated_timestamp_ms, l.model_type, l.source_run_id, l.status, l.status_message";
registry::LoggedModel ReadLoggedModel(const Statement& stmt);

// Fills tags, aliases and latest_versions (each with its tags and aliases)
// of each model (whose name is set). Names must be distinct.
Status LoadRegisteredModelChildren(Connection& db, std::vector<registry::RegisteredModel>* models);

// Fills tags and aliases of each version (whose name and version are set).
Status LoadModelVersionChildren(Connection& db, std::vector<registry::ModelVersion>* versions);

// Fills tags and params of each logged model (whose model_id is set).
Status LoadLoggedModelChildren(Connection& db, std::vector<registry::LoggedModel>* models);

}  // namespace cairn::store::sql

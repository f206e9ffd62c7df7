// Model-registry input validation (specs/mlflow-rest.md sections 3, 4 and 7),
// applied by the API frontends before a request reaches a RegistryStore (the
// store itself re-checks only what its contract names: aliases, stages and
// search bounds). Each check returns kInvalidArgument with MLflow 3.x wording
// on failure. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "base/status.h"
#include "registry/entities.h"

namespace cairn::registry {

// Registry tags (registered models, model versions, logged models).
inline constexpr size_t kMaxTagKeyLength = 250;
inline constexpr size_t kMaxTagValueLength = 100000;
// MLflow's API sets no limit on descriptions; cairn bounds them like tag
// values so one request cannot store arbitrarily large text.
inline constexpr size_t kMaxDescriptionLength = 100000;
inline constexpr size_t kMaxAliasLength = 255;

// search max_results: defaults and upper bounds.
inline constexpr int64_t kDefaultSearchRegisteredModels = 100;
inline constexpr int64_t kMaxSearchRegisteredModels = 1000;
inline constexpr int64_t kDefaultSearchModelVersions = 10000;
inline constexpr int64_t kMaxSearchModelVersions = 200000;
inline constexpr int64_t kDefaultSearchLoggedModels = 50;
// MLflow sets no bound for logged models; cairn uses the runs bound.
inline constexpr int64_t kMaxSearchLoggedModels = 50000;

// Non-empty (MLflow puts no other rule on model names). `field` names the
// request field in the message: "name", or "new_name" for renames.
Status ValidateModelName(std::string_view name, std::string_view field = "name");

// Key: the tracking key rules (characters, normalised relative path) and
// at most 250 characters; value: at most 100 000 characters.
Status ValidateRegistryTag(const Tag& tag);
// Key rules only (for delete-tag requests).
Status ValidateRegistryTagKey(std::string_view key);

// At most kMaxDescriptionLength characters.
Status ValidateDescription(std::string_view description);

// `[\w-]+` (non-ASCII letters allowed as in Python's \w), at most 255
// characters, not "latest" in any case, not "v<digits>"/"V<digits>".
Status ValidateAlias(std::string_view alias);

// A version number from the wire: decimal digits, 1 .. INT64_MAX.
// "abc" -> "Parameter 'version' must be an integer, got 'abc'.";
// "0" / "-1" -> "... must be a positive integer ...".
Result<int64_t> ParseVersion(std::string_view text, std::string_view field = "version");

// Case-insensitive None / Staging / Production / Archived.
Result<Stage> ParseStageArgument(std::string_view text);

// archive_existing_versions is only meaningful for Staging and Production.
Status ValidateArchiveExisting(Stage stage, bool archive_existing);

// A model version's source: non-empty and free of ".." path segments (also
// when percent-encoded), so it cannot point outside what it names.
// (Checking a local source against its run's artifact root needs the
// tracking store; that stays in the frontend.)
Status ValidateModelVersionSource(std::string_view source);

// "LOGGED_MODEL_READY" etc.; also accepts the bare "READY", "PENDING",
// "UPLOAD_FAILED".
Result<LoggedModelStatus> ParseLoggedModelStatusArgument(std::string_view text);

// 1 .. limit, with MLflow's message.
Status ValidateSearchMaxResults(int64_t max_results, int64_t limit);

}  // namespace cairn::registry

// Test support (header-only, no libpq): PostgreSQL for the store suites.
// The suite's database comes from CAIRN_TEST_POSTGRES_URI (set by
// tests/infra/run_with_postgres.sh for the `*_postgres` ctest entries); each
// test gets a schema of its own on it, so tests start empty and a reopen
// sees the same data.
#pragma once

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "base/result.h"

namespace cairn::testing_support {

inline std::optional<std::string> PostgresTestUri() {
  const char* uri = std::getenv("CAIRN_TEST_POSTGRES_URI");
  if (uri == nullptr || *uri == '\0') return std::nullopt;
  return std::string(uri);
}

// The URI of a schema named after the test's temp directory `dir` on the
// suite's database (search_path set through the libpq `options` parameter).
inline Result<std::string> PostgresSchemaUri(const std::string& dir) {
  std::optional<std::string> base = PostgresTestUri();
  if (!base) return FailedPrecondition("CAIRN_TEST_POSTGRES_URI is not set.");
  // Readable prefix plus a hash of the whole path: PostgreSQL truncates
  // identifiers at 63 bytes, which must not merge two tests' schemas.
  std::string schema = "t_";
  for (char c : std::filesystem::path(dir).filename().string().substr(0, 32)) {
    schema += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  }
  schema += "_" + std::to_string(std::hash<std::string>{}(dir) % 1000000007ULL);
  // The store creates the schema when it opens (pg_migrations.h).
  return *base + (base->find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

}  // namespace cairn::testing_support

// SQL text helpers for the PostgreSQL driver: `?` placeholders (the SQL seam's
// convention, store/sql/connection.h) renumbered into libpq's `$1, $2, ...`.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cairn::store::postgres {

struct NumberedSql {
  std::string text;
  int params = 0;
};

// Replaces each `?` outside quoted strings, quoted identifiers and comments
// with `$n` (n counting from 1 in textual order). `?` never appears as an
// operator in the store's SQL (no jsonb `?` operators are used).
NumberedSql NumberPlaceholders(std::string_view sql);

}  // namespace cairn::store::postgres

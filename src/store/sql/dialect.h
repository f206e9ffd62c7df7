// Dialect: the few places where the store's SQL text differs between SQLite
// and PostgreSQL. Everything else (ON CONFLICT upserts, `?` placeholders,
// LIMIT / OFFSET, row values) is written once in standard SQL; the PostgreSQL
// driver renumbers `?` into `$n` itself.
//
// Pure and immutable; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cairn::store::sql {

enum class DialectKind { kSqlite, kPostgres };

class Dialect {
 public:
  explicit constexpr Dialect(DialectKind kind) : kind_(kind) {}

  DialectKind kind() const { return kind_; }

  // A one-column subquery (column `value`) over the strings of a JSON array
  // bound to its single `?` — a whole id list in one bound parameter, so the
  // statement text (and cache entry) does not depend on the list length.
  std::string_view JsonTextList() const;
  // The same for a JSON array of integers (column `value` is an integer).
  std::string_view JsonIntList() const;
  // A table expression with columns (name, version) over a JSON array of
  // ["name", version] pairs bound to its single `?`.
  std::string_view JsonNameVersionPairs() const;

  // The two-argument maximum function: SQLite's scalar MAX(a, b), GREATEST.
  std::string_view Greatest() const;

  // `sql` with {text_list}, {int_list}, {name_version_pairs} and {greatest}
  // replaced by the fragments above (fmt syntax: SQL with literal braces
  // must double them).
  std::string Expand(std::string_view sql) const;

  // "<column> <case-sensitive LIKE> ?" and the pattern to bind for the
  // MLflow LIKE pattern `like` ('%' and '_' wildcards, no escape character).
  // SQLite's LIKE ignores ASCII case, so it uses GLOB there.
  std::string CaseSensitiveLike(std::string_view column) const;
  std::string LikePattern(std::string_view like) const;

 private:
  DialectKind kind_;
};

const Dialect& SqliteDialect();
const Dialect& PostgresDialect();

// A LIKE pattern ('%' any run, '_' one char) as an equivalent GLOB pattern.
std::string LikeToGlob(std::string_view like);

}  // namespace cairn::store::sql

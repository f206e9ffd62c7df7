#include "store/sql/dialect.h"

#include <fmt/format.h>

namespace cairn::store::sql {

std::string_view Dialect::JsonTextList() const {
  if (kind_ == DialectKind::kSqlite) return "SELECT value FROM json_each(?)";
  return "SELECT j.value FROM json_array_elements_text(?::json) AS j(value)";
}

std::string_view Dialect::JsonIntList() const {
  if (kind_ == DialectKind::kSqlite) return "SELECT value FROM json_each(?)";
  return "SELECT j.value::bigint FROM json_array_elements_text(?::json) AS j(value)";
}

std::string_view Dialect::JsonNameVersionPairs() const {
  if (kind_ == DialectKind::kSqlite) {
    return "(SELECT json_extract(value, '$[0]') AS name, json_extract(value, '$[1]') AS version "
           "FROM json_each(?))";
  }
  return "(SELECT p.value->>0 AS name, (p.value->>1)::bigint AS version FROM json_array_elements(?::json) AS p(value))";
}

std::string_view Dialect::Greatest() const { return kind_ == DialectKind::kSqlite ? "MAX" : "GREATEST"; }

std::string Dialect::Expand(std::string_view sql) const {
  return fmt::format(fmt::runtime(sql), fmt::arg("text_list", JsonTextList()), fmt::arg("int_list", JsonIntList()),
                     fmt::arg("name_version_pairs", JsonNameVersionPairs()), fmt::arg("greatest", Greatest()));
}

std::string Dialect::CaseSensitiveLike(std::string_view column) const {
  if (kind_ == DialectKind::kSqlite) return fmt::format("{} GLOB ?", column);
  // ESCAPE '': a backslash is an ordinary character, as in the GLOB form.
  return fmt::format("{} LIKE ? ESCAPE ''", column);
}

std::string Dialect::LikePattern(std::string_view like) const {
  if (kind_ == DialectKind::kSqlite) return LikeToGlob(like);
  return std::string(like);
}

const Dialect& SqliteDialect() {
  static constexpr Dialect kDialect(DialectKind::kSqlite);
  return kDialect;
}

const Dialect& PostgresDialect() {
  static constexpr Dialect kDialect(DialectKind::kPostgres);
  return kDialect;
}

std::string LikeToGlob(std::string_view like) {
  std::string out;
  out.reserve(like.size() + 8);
  for (char c : like) {
    switch (c) {
      case '%': out += '*'; break;
      case '_': out += '?'; break;
      case '*': out += "[*]"; break;
      case '?': out += "[?]"; break;
      case '[': out += "[[]"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace cairn::store::sql

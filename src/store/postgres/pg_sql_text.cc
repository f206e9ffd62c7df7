#include "store/postgres/pg_sql_text.h"

namespace cairn::store::postgres {

NumberedSql NumberPlaceholders(std::string_view sql) {
  NumberedSql out;
  out.text.reserve(sql.size() + 16);
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      // Copy a quoted literal / identifier whole; a doubled quote stays inside.
      size_t end = i + 1;
      while (end < sql.size()) {
        if (sql[end] == c) {
          if (end + 1 < sql.size() && sql[end + 1] == c) {
            end += 2;
            continue;
          }
          break;
        }
        ++end;
      }
      end = end < sql.size() ? end + 1 : end;
      out.text.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      end = end == std::string_view::npos ? sql.size() : end;
      out.text.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '?') {
      out.text += '$';
      out.text += std::to_string(++out.params);
      ++i;
    } else {
      out.text += c;
      ++i;
    }
  }
  return out;
}

}  // namespace cairn::store::postgres

#include "store/sql/connection.h"

namespace cairn::store::sql {

Status Statement::Bind(int index, const SqlValue& value) {
  struct Visitor {
    Statement* self;
    int index;
    Status operator()(std::monostate) const { return self->BindNull(index); }
    Status operator()(int64_t v) const { return self->BindInt64(index, v); }
    Status operator()(double v) const { return self->BindDouble(index, v); }
    Status operator()(const std::string& v) const { return self->BindText(index, v); }
  };
  return std::visit(Visitor{this, index}, value);
}

Status Statement::BindAll(const std::vector<SqlValue>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    CAIRN_RETURN_IF_ERROR(Bind(static_cast<int>(i) + 1, values[i]));
  }
  return Status();
}

Status Statement::BindNamedIfPresent(const char* name, const SqlValue&) {
  return Internal("Internal database error.", std::string("named parameters are not supported: ") + name);
}

Status Connection::Run(std::string_view sql) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, Prepare(sql));
  return stmt->Run();
}

Result<ScopedStatement> Connection::PrepareQuery(const SqlQuery& query) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, PrepareUncached(query.sql));
  CAIRN_RETURN_IF_ERROR(stmt->BindAll(query.params));
  return stmt;
}

}  // namespace cairn::store::sql

#include "pipelines/export/argo_when.h"

#include <fmt/format.h>

#include "pipelines/spec/cel.h"

namespace cairn::pipelines {
namespace {

using cel::Expr;

// govaluate string literal.
std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The input named by inputs.parameter_values['x'] or
// inputs.parameters['x'].parameter_value; nullopt for other shapes.
std::optional<std::string> InputName(const Expr& e) {
  const Expr* index = &e;
  if (e.kind == Expr::Kind::kMember && e.name == "parameter_value" && !e.args.empty()) index = e.args[0].get();
  if (index->kind != Expr::Kind::kIndex || index->args.size() != 2) return std::nullopt;
  const Expr& object = *index->args[0];
  const Expr& key = *index->args[1];
  if (object.kind != Expr::Kind::kMember || object.args.empty() || object.args[0]->kind != Expr::Kind::kIdent ||
      object.args[0]->name != "inputs") {
    return std::nullopt;
  }
  const bool values = e.kind == Expr::Kind::kIndex && object.name == "parameter_values";
  const bool params = e.kind == Expr::Kind::kMember && object.name == "parameters";
  if (!values && !params) return std::nullopt;
  if (key.kind != Expr::Kind::kLiteral || !key.literal.is_string()) return std::nullopt;
  return key.literal.as_string();
}

class Translator {
 public:
  explicit Translator(const std::function<std::optional<std::string>(const std::string&)>& input_value)
      : input_value_(input_value) {}

  // `numeric`: the value is compared as a number (inside int()/double()),
  // so an input reference is not quoted.
  Result<std::string> Emit(const Expr& e, bool numeric = false) {
    switch (e.kind) {
      case Expr::Kind::kLiteral:
        if (e.literal.is_string()) return Quote(e.literal.as_string());
        if (e.literal.is_null()) return Status(StatusCode::kUnimplemented, "null literals");
        return e.literal.RenderForArgv();
      case Expr::Kind::kUnary: {
        CAIRN_ASSIGN_OR_RETURN(std::string inner, Emit(*e.args[0], numeric || e.name == "-"));
        return e.name + "(" + inner + ")";
      }
      case Expr::Kind::kBinary: {
        CAIRN_ASSIGN_OR_RETURN(std::string a, Emit(*e.args[0], numeric));
        CAIRN_ASSIGN_OR_RETURN(std::string b, Emit(*e.args[1], numeric));
        return "(" + a + " " + e.name + " " + b + ")";
      }
      case Expr::Kind::kCall:
        if ((e.name == "int" || e.name == "double") && e.args.size() == 1) return Emit(*e.args[0], true);
        if ((e.name == "string" || e.name == "bool") && e.args.size() == 1) return Emit(*e.args[0], false);
        return Status(StatusCode::kUnimplemented, fmt::format("the function {}()", e.name));
      case Expr::Kind::kIndex:
      case Expr::Kind::kMember: {
        auto name = InputName(e);
        if (!name) return Status(StatusCode::kUnimplemented, "`" + cel::ToString(e) + "`");
        auto value = input_value_(*name);
        if (!value) return Status(StatusCode::kUnimplemented, fmt::format("the unbound input '{}'", *name));
        // Booleans and numbers compare bare; strings need quotes.
        if (numeric || *value == "true" || *value == "false") return *value;
        return Quote(*value);
      }
      case Expr::Kind::kIdent:
        return Status(StatusCode::kUnimplemented, fmt::format("the identifier {}", e.name));
    }
    return Status(StatusCode::kUnimplemented, "this expression");
  }

 private:
  const std::function<std::optional<std::string>(const std::string&)>& input_value_;
};

}  // namespace

Result<std::string> ArgoWhen(const std::string& condition,
                             const std::function<std::optional<std::string>(const std::string&)>& input_value) {
  CAIRN_ASSIGN_OR_RETURN(cel::ExprPtr expr, cel::Parse(condition));
  Translator t(input_value);
  return t.Emit(*expr);
}

std::optional<std::string> JsonFieldSelector(const std::string& selector) {
  auto parsed = cel::Parse(selector);
  if (!parsed.ok()) return std::nullopt;
  const Expr& e = **parsed;
  if (e.kind != Expr::Kind::kIndex || e.args.size() != 2) return std::nullopt;
  const Expr& call = *e.args[0];
  const Expr& key = *e.args[1];
  if (call.kind != Expr::Kind::kCall || call.name != "parseJson" || call.args.size() != 1 ||
      call.args[0]->kind != Expr::Kind::kIdent || call.args[0]->name != "string_value") {
    return std::nullopt;
  }
  if (key.kind != Expr::Kind::kLiteral || !key.literal.is_string()) return std::nullopt;
  for (char c : key.literal.as_string()) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return std::nullopt;
  }
  return key.literal.as_string();
}

std::optional<std::string> ExpressionReference(const std::string& text) {
  if (text.size() < 5 || text.rfind("{{", 0) != 0 || text.substr(text.size() - 2) != "}}") return std::nullopt;
  const std::string inner = text.substr(2, text.size() - 4);
  if (inner.find("{{") != std::string::npos || inner.find('}') != std::string::npos) return std::nullopt;
  if (inner == "item") return "item";
  for (const char* prefix : {"inputs.parameters.", "workflow.parameters."}) {
    if (inner.rfind(prefix, 0) == 0) {
      std::string scope(prefix);
      scope.pop_back();
      return fmt::format("{}['{}']", scope, inner.substr(scope.size() + 1));
    }
  }
  // tasks.T.outputs.parameters.K
  if (inner.rfind("tasks.", 0) == 0) {
    const size_t marker = inner.find(".outputs.parameters.");
    if (marker == std::string::npos) return std::nullopt;
    return fmt::format("tasks['{}'].outputs.parameters['{}']", inner.substr(6, marker - 6),
                       inner.substr(marker + 20));
  }
  return std::nullopt;
}

}  // namespace cairn::pipelines

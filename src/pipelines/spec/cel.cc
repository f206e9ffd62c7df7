// CEL subset: tokenizer, recursive-descent parser and tree-walking evaluator.
#include "pipelines/spec/cel.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

namespace cairn::pipelines::cel {
namespace {

enum class Tok { kEnd, kIdent, kInt, kDouble, kString, kOp };

struct Token {
  Tok type = Tok::kEnd;
  std::string text;  // identifier, operator, or decoded string
  Value number;
  size_t column = 0;  // 1-based
};

Status ErrorAt(size_t column, std::string message) {
  return InvalidArgument("expression column " + std::to_string(column) + ": " + std::move(message));
}

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Result<std::vector<Token>> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    Token t;
    t.column = i + 1;
    if (i >= s.size()) {
      out.push_back(t);
      return out;
    }
    const char c = s[i];
    if (IsIdentStart(c)) {
      size_t j = i;
      while (j < s.size() && (IsIdentStart(s[j]) || IsDigit(s[j]))) ++j;
      t.type = Tok::kIdent;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (IsDigit(c)) {
      size_t j = i;
      bool is_double = false;
      while (j < s.size() && IsDigit(s[j])) ++j;
      if (j + 1 < s.size() && s[j] == '.' && IsDigit(s[j + 1])) {
        is_double = true;
        ++j;
        while (j < s.size() && IsDigit(s[j])) ++j;
      }
      if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
        if (k < s.size() && IsDigit(s[k])) {
          is_double = true;
          j = k;
          while (j < s.size() && IsDigit(s[j])) ++j;
        }
      }
      const std::string_view num = s.substr(i, j - i);
      if (is_double) {
        double d = 0;
        auto r = std::from_chars(num.data(), num.data() + num.size(), d);
        if (r.ec != std::errc()) return ErrorAt(t.column, "bad number");
        t.type = Tok::kDouble;
        t.number = Value::Double(d);
      } else {
        int64_t v = 0;
        auto r = std::from_chars(num.data(), num.data() + num.size(), v);
        if (r.ec != std::errc()) return ErrorAt(t.column, "integer out of range");
        t.type = Tok::kInt;
        t.number = Value::Int(v);
      }
      i = j;
    } else if (c == '\'' || c == '"') {
      size_t j = i + 1;
      std::string decoded;
      bool closed = false;
      while (j < s.size()) {
        const char d = s[j];
        if (d == c) {
          closed = true;
          ++j;
          break;
        }
        if (d == '\\' && j + 1 < s.size()) {
          const char e = s[j + 1];
          switch (e) {
            case 'n': decoded.push_back('\n'); break;
            case 't': decoded.push_back('\t'); break;
            case 'r': decoded.push_back('\r'); break;
            case '\\': case '\'': case '"': decoded.push_back(e); break;
            default: return ErrorAt(j + 1, std::string("unsupported escape \\") + e);
          }
          j += 2;
          continue;
        }
        decoded.push_back(d);
        ++j;
      }
      if (!closed) return ErrorAt(t.column, "unterminated string");
      t.type = Tok::kString;
      t.text = std::move(decoded);
      i = j;
    } else {
      static constexpr std::string_view kTwo[] = {"==", "!=", "<=", ">=", "&&", "||"};
      t.type = Tok::kOp;
      for (auto op : kTwo) {
        if (s.substr(i, 2) == op) t.text = std::string(op);
      }
      if (t.text.empty()) {
        if (std::string_view("<>!-()[].,?:").find(c) == std::string_view::npos) {
          return ErrorAt(t.column, std::string("unexpected character '") + c + "'");
        }
        t.text = std::string(1, c);
      }
      i += t.text.size();
    }
    out.push_back(std::move(t));
  }
}

ExprPtr Make(Expr::Kind kind, std::string name, std::vector<ExprPtr> args = {}) {
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->name = std::move(name);
  e->args = std::move(args);
  return e;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<ExprPtr> ParseAll() {
    CAIRN_ASSIGN_OR_RETURN(auto e, ParseOr());
    if (Peek().type != Tok::kEnd) return ErrorAt(Peek().column, "unexpected '" + Describe(Peek()) + "'");
    return e;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  bool IsOp(std::string_view op) const { return Peek().type == Tok::kOp && Peek().text == op; }
  static std::string Describe(const Token& t) {
    if (t.type == Tok::kEnd) return "end of expression";
    if (t.type == Tok::kString) return "'" + t.text + "'";
    if (t.type == Tok::kInt || t.type == Tok::kDouble) return t.number.ToJson();
    return t.text;
  }

  Status Enter() {
    if (++depth_ > kMaxExpressionDepth) return ErrorAt(Peek().column, "expression nested too deeply");
    return Status::Ok();
  }

  Result<ExprPtr> ParseOr() {
    CAIRN_RETURN_IF_ERROR(Enter());
    CAIRN_ASSIGN_OR_RETURN(auto lhs, ParseAnd());
    while (IsOp("||")) {
      ++pos_;
      CAIRN_ASSIGN_OR_RETURN(auto rhs, ParseAnd());
      lhs = Make(Expr::Kind::kBinary, "||", {lhs, rhs});
    }
    if (IsOp("?")) return ErrorAt(Peek().column, "the ?: operator is not supported");
    --depth_;
    return lhs;
  }

  Result<ExprPtr> ParseAnd() {
    CAIRN_ASSIGN_OR_RETURN(auto lhs, ParseCompare());
    while (IsOp("&&")) {
      ++pos_;
      CAIRN_ASSIGN_OR_RETURN(auto rhs, ParseCompare());
      lhs = Make(Expr::Kind::kBinary, "&&", {lhs, rhs});
    }
    return lhs;
  }

  Result<ExprPtr> ParseCompare() {
    CAIRN_ASSIGN_OR_RETURN(auto lhs, ParseUnary());
    static constexpr std::string_view kOps[] = {"==", "!=", "<", "<=", ">", ">="};
    for (auto op : kOps) {
      if (IsOp(op)) {
        ++pos_;
        CAIRN_ASSIGN_OR_RETURN(auto rhs, ParseUnary());
        for (auto op2 : kOps) {
          if (IsOp(op2)) return ErrorAt(Peek().column, "comparisons do not chain; add parentheses");
        }
        return Make(Expr::Kind::kBinary, std::string(op), {lhs, rhs});
      }
    }
    return lhs;
  }

  Result<ExprPtr> ParseUnary() {
    if (IsOp("!") || IsOp("-")) {
      std::string op = Peek().text;
      ++pos_;
      CAIRN_RETURN_IF_ERROR(Enter());
      CAIRN_ASSIGN_OR_RETURN(auto operand, ParseUnary());
      --depth_;
      return Make(Expr::Kind::kUnary, std::move(op), {operand});
    }
    return ParsePostfix();
  }

  Result<ExprPtr> ParsePostfix() {
    CAIRN_ASSIGN_OR_RETURN(auto e, ParsePrimary());
    while (true) {
      if (IsOp("[")) {
        ++pos_;
        CAIRN_ASSIGN_OR_RETURN(auto index, ParseOr());
        if (!IsOp("]")) return ErrorAt(Peek().column, "expected ']'");
        ++pos_;
        e = Make(Expr::Kind::kIndex, "", {e, index});
      } else if (IsOp(".")) {
        ++pos_;
        if (Peek().type != Tok::kIdent) return ErrorAt(Peek().column, "expected a field name after '.'");
        e = Make(Expr::Kind::kMember, Peek().text, {e});
        ++pos_;
      } else {
        return e;
      }
    }
  }

  Result<ExprPtr> ParsePrimary() {
    const Token& t = Peek();
    switch (t.type) {
      case Tok::kEnd: return ErrorAt(t.column, "unexpected end of expression");
      case Tok::kInt:
      case Tok::kDouble: {
        auto e = std::make_shared<Expr>();
        e->literal = t.number;
        ++pos_;
        return ExprPtr(e);
      }
      case Tok::kString: {
        auto e = std::make_shared<Expr>();
        e->literal = Value::String(t.text);
        ++pos_;
        return ExprPtr(e);
      }
      case Tok::kIdent: {
        std::string name = t.text;
        ++pos_;
        if (name == "true" || name == "false" || name == "null") {
          auto e = std::make_shared<Expr>();
          e->literal = name == "null" ? Value::Null() : Value::Bool(name == "true");
          return ExprPtr(e);
        }
        if (!IsOp("(")) return Make(Expr::Kind::kIdent, std::move(name));
        ++pos_;
        std::vector<ExprPtr> args;
        if (!IsOp(")")) {
          while (true) {
            CAIRN_ASSIGN_OR_RETURN(auto arg, ParseOr());
            args.push_back(std::move(arg));
            if (IsOp(",")) {
              ++pos_;
              continue;
            }
            break;
          }
        }
        if (!IsOp(")")) return ErrorAt(Peek().column, "expected ')'");
        ++pos_;
        static const std::set<std::string, std::less<>> kFunctions = {
            "int", "double", "string", "bool", "parseJson", "size"};
        if (!kFunctions.contains(name)) return ErrorAt(t.column, "unknown function " + name + "()");
        if (args.size() != 1) return ErrorAt(t.column, name + "() takes one argument");
        return Make(Expr::Kind::kCall, std::move(name), std::move(args));
      }
      case Tok::kOp:
        if (t.text == "(") {
          ++pos_;
          CAIRN_ASSIGN_OR_RETURN(auto e, ParseOr());
          if (!IsOp(")")) return ErrorAt(Peek().column, "expected ')'");
          ++pos_;
          return e;
        }
        return ErrorAt(t.column, "unexpected '" + t.text + "'");
    }
    return ErrorAt(t.column, "unexpected token");
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

Status EvalError(std::string message) { return InvalidArgument("condition: " + std::move(message)); }

std::string Short(const Value& v) {
  std::string s = v.ToJson();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

Result<Value> CastInt(const Value& v) {
  if (v.is_int()) return v;
  if (v.is_double()) {
    const double d = v.as_double();
    if (!std::isfinite(d) || d >= 9.2e18 || d <= -9.2e18) return EvalError("int() out of range: " + Short(v));
    return Value::Int(static_cast<int64_t>(d));
  }
  if (v.is_string()) {
    const std::string& s = v.as_string();
    int64_t out = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty()) return Value::Int(out);
    // "3.0" from a NUMBER_INTEGER rendered as a double.
    double d = 0;
    auto rd = std::from_chars(s.data(), s.data() + s.size(), d);
    if (rd.ec == std::errc() && rd.ptr == s.data() + s.size() && std::trunc(d) == d && std::fabs(d) < 9.2e18) {
      return Value::Int(static_cast<int64_t>(d));
    }
    return EvalError("int() cannot convert " + Short(v));
  }
  if (v.is_bool()) return Value::Int(v.as_bool() ? 1 : 0);
  return EvalError("int() cannot convert " + std::string(ValueKindName(v.kind())));
}

Result<Value> CastDouble(const Value& v) {
  if (v.is_number()) return Value::Double(v.as_double());
  if (v.is_string()) {
    const std::string& s = v.as_string();
    double d = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), d);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty()) return Value::Double(d);
    return EvalError("double() cannot convert " + Short(v));
  }
  return EvalError("double() cannot convert " + std::string(ValueKindName(v.kind())));
}

Result<Value> CastBool(const Value& v) {
  if (v.is_bool()) return v;
  if (v.is_string()) {
    if (v.as_string() == "true" || v.as_string() == "True") return Value::Bool(true);
    if (v.as_string() == "false" || v.as_string() == "False") return Value::Bool(false);
  }
  return EvalError("bool() cannot convert " + Short(v));
}

// -1/0/1, or nullopt when the kinds are not ordered against each other.
std::optional<int> Compare(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : (a.as_int() > b.as_int() ? 1 : 0);
    const double x = a.as_double(), y = b.as_double();
    if (std::isnan(x) || std::isnan(y)) return std::nullopt;
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    const int c = a.as_string().compare(b.as_string());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.is_bool() && b.is_bool()) return int(a.as_bool()) - int(b.as_bool());
  return std::nullopt;
}

class Evaluator {
 public:
  explicit Evaluator(const Activation& activation) : activation_(activation) {}

  Result<Value> Eval(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kLiteral: return e.literal;
      case Expr::Kind::kIdent: {
        auto it = activation_.find(e.name);
        if (it == activation_.end()) return EvalError("unknown identifier '" + e.name + "'");
        return it->second;
      }
      case Expr::Kind::kMember: {
        CAIRN_ASSIGN_OR_RETURN(auto obj, Eval(*e.args[0]));
        const Value* field = obj.Find(e.name);
        if (field == nullptr) return EvalError("no field '" + e.name + "' in " + ToString(*e.args[0]));
        return *field;
      }
      case Expr::Kind::kIndex: {
        CAIRN_ASSIGN_OR_RETURN(auto obj, Eval(*e.args[0]));
        CAIRN_ASSIGN_OR_RETURN(auto idx, Eval(*e.args[1]));
        if (obj.is_struct()) {
          if (!idx.is_string()) return EvalError("struct index must be a string");
          const Value* field = obj.Find(idx.as_string());
          if (field == nullptr) {
            return EvalError("no key '" + idx.as_string() + "' in " + ToString(*e.args[0]));
          }
          return *field;
        }
        if (obj.is_list()) {
          if (!idx.is_int()) return EvalError("list index must be an int");
          const auto& list = obj.as_list();
          if (idx.as_int() < 0 || static_cast<uint64_t>(idx.as_int()) >= list.size()) {
            return EvalError("list index " + std::to_string(idx.as_int()) + " out of range");
          }
          return list[static_cast<size_t>(idx.as_int())];
        }
        return EvalError("cannot index a " + std::string(ValueKindName(obj.kind())));
      }
      case Expr::Kind::kUnary: {
        CAIRN_ASSIGN_OR_RETURN(auto v, Eval(*e.args[0]));
        if (e.name == "!") {
          if (!v.is_bool()) return EvalError("'!' needs a bool, got " + Short(v));
          return Value::Bool(!v.as_bool());
        }
        if (v.is_int()) {
          if (v.as_int() == std::numeric_limits<int64_t>::min()) return EvalError("integer overflow");
          return Value::Int(-v.as_int());
        }
        if (v.is_double()) return Value::Double(-v.as_double());
        return EvalError("'-' needs a number, got " + Short(v));
      }
      case Expr::Kind::kBinary: return EvalBinary(e);
      case Expr::Kind::kCall: {
        CAIRN_ASSIGN_OR_RETURN(auto v, Eval(*e.args[0]));
        if (e.name == "int") return CastInt(v);
        if (e.name == "double") return CastDouble(v);
        if (e.name == "bool") return CastBool(v);
        if (e.name == "string") return Value::String(v.RenderForArgv());
        if (e.name == "size") {
          if (v.is_string()) return Value::Int(static_cast<int64_t>(v.as_string().size()));
          if (v.is_list()) return Value::Int(static_cast<int64_t>(v.as_list().size()));
          if (v.is_struct()) return Value::Int(static_cast<int64_t>(v.as_struct().size()));
          return EvalError("size() of a " + std::string(ValueKindName(v.kind())));
        }
        if (e.name == "parseJson") {
          if (!v.is_string()) return v;  // already structured
          auto parsed = Value::ParseJson(v.as_string());
          if (!parsed.ok()) return EvalError("parseJson(): " + parsed.error().message());
          return parsed;
        }
        return EvalError("unknown function " + e.name);
      }
    }
    return EvalError("bad expression");
  }

 private:
  Result<Value> EvalBinary(const Expr& e) {
    if (e.name == "&&" || e.name == "||") {
      CAIRN_ASSIGN_OR_RETURN(auto lhs, Eval(*e.args[0]));
      if (!lhs.is_bool()) return EvalError("'" + e.name + "' needs bools, got " + Short(lhs));
      if (e.name == "&&" && !lhs.as_bool()) return Value::Bool(false);
      if (e.name == "||" && lhs.as_bool()) return Value::Bool(true);
      CAIRN_ASSIGN_OR_RETURN(auto rhs, Eval(*e.args[1]));
      if (!rhs.is_bool()) return EvalError("'" + e.name + "' needs bools, got " + Short(rhs));
      return rhs;
    }
    CAIRN_ASSIGN_OR_RETURN(auto lhs, Eval(*e.args[0]));
    CAIRN_ASSIGN_OR_RETURN(auto rhs, Eval(*e.args[1]));
    if (e.name == "==") return Value::Bool(lhs == rhs);
    if (e.name == "!=") return Value::Bool(!(lhs == rhs));
    auto c = Compare(lhs, rhs);
    if (!c) return EvalError("cannot compare " + Short(lhs) + " " + e.name + " " + Short(rhs));
    if (e.name == "<") return Value::Bool(*c < 0);
    if (e.name == "<=") return Value::Bool(*c <= 0);
    if (e.name == ">") return Value::Bool(*c > 0);
    return Value::Bool(*c >= 0);
  }

  const Activation& activation_;
};

void CollectInputs(const Expr& e, std::vector<std::string>& out) {
  // inputs.parameter_values['x']
  if (e.kind == Expr::Kind::kIndex && e.args[0]->kind == Expr::Kind::kMember &&
      e.args[0]->name == "parameter_values" && e.args[0]->args[0]->kind == Expr::Kind::kIdent &&
      e.args[0]->args[0]->name == "inputs" && e.args[1]->kind == Expr::Kind::kLiteral &&
      e.args[1]->literal.is_string()) {
    out.push_back(e.args[1]->literal.as_string());
  }
  // inputs.parameters['x'].parameter_value
  if (e.kind == Expr::Kind::kMember && e.name == "parameter_value" &&
      e.args[0]->kind == Expr::Kind::kIndex) {
    const Expr& idx = *e.args[0];
    if (idx.args[0]->kind == Expr::Kind::kMember && idx.args[0]->name == "parameters" &&
        idx.args[0]->args[0]->kind == Expr::Kind::kIdent && idx.args[0]->args[0]->name == "inputs" &&
        idx.args[1]->kind == Expr::Kind::kLiteral && idx.args[1]->literal.is_string()) {
      out.push_back(idx.args[1]->literal.as_string());
    }
  }
  for (const auto& a : e.args) CollectInputs(*a, out);
}

void CollectIdents(const Expr& e, std::vector<std::string>& out) {
  if (e.kind == Expr::Kind::kIdent) {
    for (const auto& s : out) {
      if (s == e.name) return;
    }
    out.push_back(e.name);
  }
  for (const auto& a : e.args) CollectIdents(*a, out);
}

}  // namespace

Result<ExprPtr> Parse(std::string_view text) {
  if (text.size() > kMaxExpressionLength) {
    return InvalidArgument("expression longer than " + std::to_string(kMaxExpressionLength) + " bytes");
  }
  CAIRN_ASSIGN_OR_RETURN(auto tokens, Tokenize(text));
  Parser parser(std::move(tokens));
  return parser.ParseAll();
}

std::string ToString(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      if (e.literal.is_string()) {
        std::string out = "'";
        for (char c : e.literal.as_string()) {
          if (c == '\'' || c == '\\') out.push_back('\\');
          out.push_back(c);
        }
        return out + "'";
      }
      return e.literal.ToJson();
    case Expr::Kind::kIdent: return e.name;
    case Expr::Kind::kMember: return ToString(*e.args[0]) + "." + e.name;
    case Expr::Kind::kIndex: return ToString(*e.args[0]) + "[" + ToString(*e.args[1]) + "]";
    case Expr::Kind::kUnary: return e.name + ToString(*e.args[0]);
    case Expr::Kind::kBinary:
      return "(" + ToString(*e.args[0]) + " " + e.name + " " + ToString(*e.args[1]) + ")";
    case Expr::Kind::kCall: return e.name + "(" + ToString(*e.args[0]) + ")";
  }
  return "?";
}

std::vector<std::string> ReferencedInputParameters(const Expr& expr) {
  std::vector<std::string> out;
  CollectInputs(expr, out);
  return out;
}

std::vector<std::string> ReferencedIdentifiers(const Expr& expr) {
  std::vector<std::string> out;
  CollectIdents(expr, out);
  return out;
}

Activation KfpConditionActivation(const std::vector<std::pair<std::string, Value>>& input_parameters) {
  Value values = Value::MakeStruct({});
  Value params = Value::MakeStruct({});
  for (const auto& [name, v] : input_parameters) {
    values.Set(name, v);
    Value wrapped = Value::MakeStruct({});
    wrapped.Set("parameter_value", v);
    params.Set(name, std::move(wrapped));
  }
  Value inputs = Value::MakeStruct({});
  inputs.Set("parameter_values", std::move(values));
  inputs.Set("parameters", std::move(params));
  Activation a;
  a.emplace("inputs", std::move(inputs));
  return a;
}

Result<Value> Evaluate(const Expr& expr, const Activation& activation) {
  Evaluator ev(activation);
  return ev.Eval(expr);
}

Result<bool> EvaluateCondition(const Expr& expr, const Activation& activation) {
  CAIRN_ASSIGN_OR_RETURN(auto v, Evaluate(expr, activation));
  if (!v.is_bool()) return EvalError("result is " + Short(v) + ", not a bool");
  return v.as_bool();
}

}  // namespace cairn::pipelines::cel

#include "tracking/search_filter.h"

#include <fmt/format.h>

#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <span>
#include <utility>

namespace cairn::tracking {
namespace {

// An AND chain of this many clauses is already far beyond any real query; the
// cap keeps a hostile filter from turning into a pathological SQL statement
// (SQLite's expression-depth and join limits are around this size).
constexpr size_t kMaxFilterClauses = 200;
// Each keyed order_by clause becomes one join in SQL stores (SQLite allows 64
// tables per join); no real query orders by more than a handful of keys.
constexpr size_t kMaxOrderByClauses = 20;
// Echoed user text in error messages is cut to this many bytes.
constexpr size_t kMaxSnippetBytes = 100;

// ---------------------------------------------------------------- characters

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
// Bytes >= 0x80 count as letters so UTF-8 keys work bare, as with sqlparse's
// Unicode-aware \w; they never carry SQL meaning because keys are bound.
bool IsWordStart(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u >= 0x80;
}
bool IsWordByte(char c) { return IsWordStart(c) || IsDigit(c); }
bool IsOperatorByte(char c) { return c == '=' || c == '!' || c == '<' || c == '>'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

// At most kMaxSnippetBytes of `text`, cut on a UTF-8 boundary so the message
// stays valid UTF-8 for the JSON error body.
std::string Snippet(std::string_view text) {
  if (text.size() <= kMaxSnippetBytes) return std::string(text);
  size_t cut = kMaxSnippetBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

// ------------------------------------------------------------------- lexer

enum class TokenKind {
  kWord,          // bare identifier or keyword
  kNumber,        // -1, 2.5, .5, 1e-3
  kSingleQuoted,  // 'text'  (a value)
  kDoubleQuoted,  // "text"  (a value, or a key as in MLflow)
  kBacktick,      // `text`  (a key)
  kDot,
  kComma,
  kLParen,
  kRParen,
  kOperator,  // a run of = ! < >; the parser decides whether it is valid
  kInvalid,   // something the grammar has no place for; `problem` says what
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t begin = 0;  // byte offsets into the input
  size_t end = 0;
  std::string text;  // unquoted and unescaped for quoted kinds
  double number = 0;
  std::string_view problem;
};

// Pull lexer: the parser asks for tokens one at a time, so memory stays
// bounded however long or repetitive the input is. Lexing stops at the first
// kInvalid token (everything after it reads as kEnd).
class Lexer {
 public:
  explicit Lexer(std::string_view input) : in_(input) {}

  const Token& Peek(size_t ahead = 0) {
    while (buffer_.size() <= ahead) buffer_.push_back(Lex());
    return buffer_[ahead];
  }
  Token Next() {
    Peek();
    Token t = std::move(buffer_.front());
    buffer_.pop_front();
    return t;
  }

 private:
  Token Lex() {
    while (pos_ < in_.size() && IsSpace(in_[pos_])) ++pos_;
    Token t = LexAt();
    prev_kind_ = t.kind;
    prev_end_ = t.end;
    if (t.kind == TokenKind::kInvalid) stopped_ = true;
    return t;
  }

  Token LexAt() {
    if (stopped_ || pos_ >= in_.size()) return Make(TokenKind::kEnd, in_.size());
    char c = in_[pos_];
    bool glued = prev_end_ == pos_ && pos_ > 0;
    switch (c) {
      case '\'': return Quoted(TokenKind::kSingleQuoted);
      case '"': return Quoted(TokenKind::kDoubleQuoted);
      case '`': return Quoted(TokenKind::kBacktick);
      case ',': return Single(TokenKind::kComma);
      case '(': return Single(TokenKind::kLParen);
      case ')': return Single(TokenKind::kRParen);
      default: break;
    }
    // A dot glued to a name separates entity and key ("metrics.acc");
    // elsewhere it can only start a number (".5").
    if (c == '.' && glued &&
        (prev_kind_ == TokenKind::kWord || prev_kind_ == TokenKind::kDoubleQuoted ||
         prev_kind_ == TokenKind::kBacktick)) {
      return Single(TokenKind::kDot);
    }
    // After "entity." a key part may start with a digit ("metrics.1st").
    if (glued && prev_kind_ == TokenKind::kDot && IsWordByte(c)) return Word();
    if (IsWordStart(c)) return Word();
    if (IsOperatorByte(c)) {
      size_t start = pos_;
      while (pos_ < in_.size() && IsOperatorByte(in_[pos_])) ++pos_;
      return Make(TokenKind::kOperator, start);
    }
    if (StartsNumber()) return Number();
    return Invalid(pos_ + 1, "Unexpected character");
  }

  Token Make(TokenKind kind, size_t begin) {
    Token t;
    t.kind = kind;
    t.begin = begin;
    t.end = kind == TokenKind::kEnd ? begin : pos_;
    if (kind != TokenKind::kEnd) t.text = std::string(in_.substr(begin, pos_ - begin));
    return t;
  }
  Token Single(TokenKind kind) {
    ++pos_;
    return Make(kind, pos_ - 1);
  }
  Token Invalid(size_t end, std::string_view problem) {
    size_t begin = pos_;
    pos_ = end;
    Token t = Make(TokenKind::kInvalid, begin);
    t.problem = problem;
    return t;
  }

  Token Word() {
    size_t start = pos_;
    while (pos_ < in_.size() && IsWordByte(in_[pos_])) ++pos_;
    return Make(TokenKind::kWord, start);
  }

  bool StartsNumber() const {
    auto digit_at = [&](size_t i) { return i < in_.size() && IsDigit(in_[i]); };
    size_t i = pos_;
    if (in_[i] == '-' || in_[i] == '+') ++i;
    return digit_at(i) || (i < in_.size() && in_[i] == '.' && digit_at(i + 1));
  }

  // [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
  Token Number() {
    size_t start = pos_;
    auto digits = [&] {
      size_t from = pos_;
      while (pos_ < in_.size() && IsDigit(in_[pos_])) ++pos_;
      return pos_ > from;
    };
    if (in_[pos_] == '-' || in_[pos_] == '+') ++pos_;
    digits();
    if (pos_ < in_.size() && in_[pos_] == '.') {
      ++pos_;
      digits();
    }
    if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      size_t mark = pos_++;
      if (pos_ < in_.size() && (in_[pos_] == '-' || in_[pos_] == '+')) ++pos_;
      if (!digits()) pos_ = mark;
    }
    // "1abc", "1.2.3", "1'x'" are malformed, not a number and something else.
    auto glued_byte = [&](size_t i) {
      return i < in_.size() && (IsWordByte(in_[i]) || in_[i] == '.' || in_[i] == '\'' || in_[i] == '"' ||
                                in_[i] == '`');
    };
    if (glued_byte(pos_)) {
      size_t end = pos_ + 1;
      while (end < in_.size() && (IsWordByte(in_[end]) || in_[end] == '.')) ++end;
      pos_ = start;
      return Invalid(end, "Malformed number");
    }
    Token t = Make(TokenKind::kNumber, start);
    std::string_view text = t.text;
    if (text.front() == '+') text.remove_prefix(1);
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), t.number);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      pos_ = start;
      return Invalid(t.end, "Number out of range");
    }
    return t;
  }

  // A quoted run; the quote character is escaped by doubling it ('it''s'),
  // as in SQL. Backslashes are ordinary characters.
  Token Quoted(TokenKind kind) {
    char quote = in_[pos_];
    size_t start = pos_++;
    std::string text;
    while (pos_ < in_.size()) {
      char c = in_[pos_];
      if (c == '\0') {
        pos_ = start;
        return Invalid(in_.size(), "NUL character in quoted text");
      }
      if (c == quote) {
        if (pos_ + 1 < in_.size() && in_[pos_ + 1] == quote) {
          text += quote;
          pos_ += 2;
          continue;
        }
        ++pos_;
        Token t = Make(kind, start);
        t.text = std::move(text);
        return t;
      }
      text += c;
      ++pos_;
    }
    pos_ = start;
    return Invalid(in_.size(), "Unterminated quoted string");
  }

  std::string_view in_;
  size_t pos_ = 0;
  TokenKind prev_kind_ = TokenKind::kEnd;
  size_t prev_end_ = 0;
  bool stopped_ = false;
  std::deque<Token> buffer_;
};

// ------------------------------------------------------------ vocabulary

enum class ValueType { kNumber, kString };

constexpr uint32_t Bit(Comparator op) { return ComparatorBit(op); }
constexpr uint32_t kNumericOps = kNumericComparators;
constexpr uint32_t kStringOps = kStringComparators;
constexpr uint32_t kListOps = kListComparators;

constexpr Comparator kAllComparators[] = {Comparator::kEq, Comparator::kNe,   Comparator::kGt,
                                          Comparator::kGe, Comparator::kLt,   Comparator::kLe,
                                          Comparator::kLike, Comparator::kILike, Comparator::kIn,
                                          Comparator::kNotIn};

std::string DescribeOps(uint32_t ops) {
  std::string out;
  for (Comparator op : kAllComparators) {
    if (!(ops & Bit(op))) continue;
    if (!out.empty()) out += ", ";
    out += ComparatorSql(op);
  }
  return out;
}

ValueType TypeOf(const FilterAttribute& attr) { return attr.numeric ? ValueType::kNumber : ValueType::kString; }

constexpr FilterAttribute kRunAttributes[] = {
    {kAttrRunId, false, kStringOps | kListOps},
    {kAttrRunName, false, kStringOps},
    {kAttrStatus, false, kStringOps},
    {kAttrUserId, false, kStringOps},
    {kAttrArtifactUri, false, kStringOps},
    {kAttrStartTime, true, kNumericOps},
    {kAttrEndTime, true, kNumericOps},
};
constexpr FilterAttribute kExperimentAttributes[] = {
    {kAttrName, false, kStringOps},
    {kAttrCreationTime, true, kNumericOps},
    {kAttrLastUpdateTime, true, kNumericOps},
    {kAttrExperimentId, false, 0},
};
// Alternative spellings MLflow's UI and clients send for run attributes.
constexpr FilterAlias kRunAttributeAliases[] = {
    {"run_uuid", kAttrRunId},     {"created", kAttrStartTime},  {"Created", kAttrStartTime},
    {"run name", kAttrRunName},   {"Run name", kAttrRunName},   {"Run Name", kAttrRunName},
};
constexpr std::string_view kDatasetKeys[] = {"name", "digest", "context"};

constexpr FilterEntitySpelling kRunEntities[] = {
    {"metric", FilterEntity::kMetric},       {"metrics", FilterEntity::kMetric},
    {"param", FilterEntity::kParam},         {"params", FilterEntity::kParam},
    {"parameter", FilterEntity::kParam},     {"parameters", FilterEntity::kParam},
    {"tag", FilterEntity::kTag},             {"tags", FilterEntity::kTag},
    {"attribute", FilterEntity::kAttribute}, {"attributes", FilterEntity::kAttribute},
    {"attr", FilterEntity::kAttribute},      {"run", FilterEntity::kAttribute},
    {"dataset", FilterEntity::kDataset},     {"datasets", FilterEntity::kDataset},
};
// Experiments have only attributes and tags ("run." makes no sense there).
constexpr FilterEntitySpelling kExperimentEntities[] = {
    {"tag", FilterEntity::kTag},
    {"tags", FilterEntity::kTag},
    {"attribute", FilterEntity::kAttribute},
    {"attributes", FilterEntity::kAttribute},
    {"attr", FilterEntity::kAttribute},
};
constexpr FilterEntity kRunOrderableEntities[] = {FilterEntity::kMetric, FilterEntity::kParam, FilterEntity::kTag};

constexpr FilterVocabulary kRunVocabulary{
    kRunEntities,
    "Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']",
    kRunAttributes,
    kRunAttributeAliases,
    "'created', 'run name'",
    kRunOrderableEntities,
};
constexpr FilterVocabulary kExperimentVocabulary{
    kExperimentEntities, "Valid entity types are ['attribute', 'tag']", kExperimentAttributes, {}, "", {},
};

std::string_view EntityName(FilterEntity entity) {  // as MLflow's messages name them
  switch (entity) {
    case FilterEntity::kMetric: return "metric";
    case FilterEntity::kParam: return "parameter";
    case FilterEntity::kTag: return "tag";
    case FilterEntity::kAttribute: return "attribute";
    case FilterEntity::kDataset: return "dataset";
  }
  return "attribute";
}

std::string_view EntityPrefix(FilterEntity entity) {  // for duplicate order_by messages
  switch (entity) {
    case FilterEntity::kMetric: return "metrics";
    case FilterEntity::kParam: return "params";
    case FilterEntity::kTag: return "tags";
    case FilterEntity::kAttribute: return "attributes";
    case FilterEntity::kDataset: return "datasets";
  }
  return "attributes";
}

Result<FilterEntity> ResolveEntity(std::string_view name, const FilterVocabulary& vocabulary) {
  for (const auto& [spelling, entity] : vocabulary.entities) {
    if (spelling == name) return entity;
  }
  return InvalidArgument(fmt::format("Invalid entity type '{}'. {}", Snippet(name), vocabulary.invalid_entity_hint));
}

// Resolves an attribute key (aliases included) to its table entry. With
// `for_order_by` false, orderable-only attributes are rejected; with it
// true, filter-only ones.
Result<const FilterAttribute*> ResolveAttribute(std::string_view key, const FilterVocabulary& vocabulary,
                                                bool for_order_by) {
  std::string_view canonical = key;
  for (const auto& [alias, name] : vocabulary.aliases) {
    if (alias == key) canonical = name;
  }
  std::string valid;
  const FilterAttribute* found = nullptr;
  for (const FilterAttribute& attr : vocabulary.attributes) {
    if (for_order_by ? !attr.orderable : attr.ops == 0) continue;
    if (attr.name == canonical) found = &attr;
    valid += fmt::format("{}'{}'", valid.empty() ? "" : ", ", attr.name);
  }
  if (found) return found;
  if (!vocabulary.alias_hint.empty()) valid += fmt::format(", {}", vocabulary.alias_hint);
  return InvalidArgument(
      fmt::format("Invalid attribute key '{}' specified. Valid keys are [{}]", Snippet(key), valid));
}

// --------------------------------------------------------------- parser

struct Identifier {
  FilterEntity entity = FilterEntity::kAttribute;
  std::string key;
  size_t begin = 0;
  size_t end = 0;
};

// What a resolved identifier accepts on the right-hand side.
struct KeyRule {
  ValueType type;
  uint32_t ops;
};

bool IsKeyword(const Token& t, std::string_view word) {
  return t.kind == TokenKind::kWord && EqualsIgnoreCase(t.text, word);
}

class Parser {
 public:
  enum class Mode { kFilter, kOrderBy };

  Parser(std::string_view input, const FilterVocabulary& vocabulary, Mode mode)
      : input_(input), lexer_(input), vocabulary_(vocabulary), mode_(mode) {}

  Result<std::vector<FilterClause>> ParseFilter() {
    std::vector<FilterClause> clauses;
    if (lexer_.Peek().kind == TokenKind::kEnd) return clauses;
    while (true) {
      if (clauses.size() == kMaxFilterClauses) {
        return InvalidArgument(fmt::format(
            "Invalid filter string: more than {} clauses are not supported", kMaxFilterClauses));
      }
      CAIRN_ASSIGN_OR_RETURN(FilterClause clause, ParseClause());
      clauses.push_back(std::move(clause));
      const Token& t = lexer_.Peek();
      if (t.kind == TokenKind::kEnd) return clauses;
      if (IsKeyword(t, "OR")) return SyntaxError(t, "OR is not supported; clauses can only be joined with AND");
      if (!IsKeyword(t, "AND")) {
        return SyntaxError(t, t.kind == TokenKind::kInvalid ? "" : "Expected AND between clauses");
      }
      Token and_token = lexer_.Next();
      if (lexer_.Peek().kind == TokenKind::kEnd) return SyntaxError(and_token, "Expected a clause after AND");
    }
  }

  Result<OrderByClause> ParseOrderBy() {
    if (lexer_.Peek().kind == TokenKind::kEnd) return SyntaxError(lexer_.Peek(), "");
    CAIRN_ASSIGN_OR_RETURN(Identifier id, ParseIdentifier());
    OrderByClause clause{id.entity, std::move(id.key), true};
    const Token& t = lexer_.Peek();
    if (t.kind == TokenKind::kWord) {
      if (!IsKeyword(t, "ASC") && !IsKeyword(t, "DESC")) {
        return InvalidArgument(fmt::format("Invalid ordering key in order_by clause '{}'.", Snippet(input_)));
      }
      clause.ascending = IsKeyword(t, "ASC");
      lexer_.Next();
    }
    if (lexer_.Peek().kind != TokenKind::kEnd) return SyntaxError(lexer_.Peek(), "");
    CAIRN_RETURN_IF_ERROR(ResolveOrderByKey(clause));
    return clause;
  }

 private:
  // Filters: "Invalid clause(s) in filter string: '<input from `from` on>'. <why>";
  // order_by: "Invalid order_by clause '<input>'. Could not be parsed: <why>".
  // `why` is the bad token's problem (if any) followed by `detail`.
  Status SyntaxError(const Token& at, std::string_view detail, std::optional<size_t> from = std::nullopt) {
    std::string why;
    if (at.kind == TokenKind::kInvalid) {
      why = at.problem;
      if (at.problem == "Unexpected character") why += fmt::format(" '{}'", Snippet(at.text));
    }
    if (!detail.empty()) why += fmt::format("{}{}", why.empty() ? "" : "; ", detail);
    if (mode_ == Mode::kOrderBy) {
      return InvalidArgument(fmt::format("Invalid order_by clause '{}'. Could not be parsed{}{}", Snippet(input_),
                                         why.empty() ? "" : ": ", why));
    }
    std::string_view rest = input_.substr(std::min(from.value_or(at.begin), input_.size()));
    return InvalidArgument(fmt::format("Invalid clause(s) in filter string: '{}'{}{}", Snippet(rest),
                                       why.empty() ? "" : ". ", why));
  }

  std::string_view Raw(const Token& t) const { return input_.substr(t.begin, t.end - t.begin); }

  static bool CanNameSomething(const Token& t) {
    return t.kind == TokenKind::kWord || t.kind == TokenKind::kDoubleQuoted || t.kind == TokenKind::kBacktick;
  }

  // [entity '.'] key, where key is `quoted`, "quoted", or word ('.' word)*:
  // MLflow reads tags.mlflow.runName as tag "mlflow.runName".
  Result<Identifier> ParseIdentifier() {
    const Token& first_peek = lexer_.Peek();
    if (!CanNameSomething(first_peek)) return SyntaxError(first_peek, "Expected an identifier");
    Token first = lexer_.Next();
    Identifier id;
    id.begin = first.begin;
    id.end = first.end;
    if (lexer_.Peek().kind != TokenKind::kDot) {
      id.key = std::move(first.text);
    } else {
      lexer_.Next();
      CAIRN_ASSIGN_OR_RETURN(id.entity, ResolveEntity(first.text, vocabulary_));
      Token key = lexer_.Next();
      id.end = key.end;
      if (key.kind == TokenKind::kInvalid) return SyntaxError(key, "", id.begin);
      if (key.kind == TokenKind::kDoubleQuoted || key.kind == TokenKind::kBacktick) {
        id.key = std::move(key.text);
      } else if (key.kind == TokenKind::kWord) {
        id.key = std::move(key.text);
        while (lexer_.Peek().kind == TokenKind::kDot) {
          lexer_.Next();
          Token part = lexer_.Next();
          id.end = part.end;
          if (part.kind == TokenKind::kInvalid) return SyntaxError(part, "", id.begin);
          if (part.kind != TokenKind::kWord) return InvalidIdentifier(id);
          id.key += '.';
          id.key += part.text;
        }
      } else {
        return InvalidIdentifier(id);
      }
    }
    if (id.key.empty()) return InvalidIdentifier(id);
    return id;
  }

  Status InvalidIdentifier(const Identifier& id) {
    return InvalidArgument(fmt::format(
        "Invalid identifier '{}'. Columns should be specified as 'attribute.<key>', 'metric.<key>', "
        "'tag.<key>', 'dataset.<key>', or 'param.<key>'; quote keys containing special characters "
        "with \"\" or ``",
        Snippet(input_.substr(id.begin, id.end - id.begin))));
  }

  Result<FilterClause> ParseClause() {
    const Token& start = lexer_.Peek();
    bool reserved = IsKeyword(start, "AND") || IsKeyword(start, "OR") || IsKeyword(start, "NOT") ||
                    IsKeyword(start, "IN") || IsKeyword(start, "LIKE") || IsKeyword(start, "ILIKE");
    if (!CanNameSomething(start) || (reserved && lexer_.Peek(1).kind != TokenKind::kDot)) {
      return SyntaxError(start, start.kind == TokenKind::kInvalid ? "" : "Expected an identifier");
    }
    CAIRN_ASSIGN_OR_RETURN(Identifier id, ParseIdentifier());
    CAIRN_ASSIGN_OR_RETURN(KeyRule rule, ResolveFilterKey(id));
    CAIRN_ASSIGN_OR_RETURN(Comparator op, ParseComparator(id));
    if (!(rule.ops & Bit(op))) {
      return InvalidArgument(fmt::format("Invalid comparator '{}' not one of '{}' for {} '{}'", ComparatorSql(op),
                                         DescribeOps(rule.ops), EntityName(id.entity), Snippet(id.key)));
    }
    CAIRN_ASSIGN_OR_RETURN(FilterValue value, ParseValue(id, rule, op));
    return FilterClause{id.entity, std::move(id.key), op, std::move(value)};
  }

  Result<KeyRule> ResolveFilterKey(Identifier& id) {
    switch (id.entity) {
      case FilterEntity::kMetric: return KeyRule{ValueType::kNumber, kNumericOps};
      case FilterEntity::kParam:
      case FilterEntity::kTag: return KeyRule{ValueType::kString, kStringOps};
      case FilterEntity::kDataset:
        for (std::string_view k : kDatasetKeys) {
          if (k == id.key) return KeyRule{ValueType::kString, kStringOps | kListOps};
        }
        return InvalidArgument(fmt::format(
            "Invalid dataset key '{}' specified. Valid keys are ['name', 'digest', 'context']", Snippet(id.key)));
      case FilterEntity::kAttribute: break;
    }
    CAIRN_ASSIGN_OR_RETURN(const FilterAttribute* attr, ResolveAttribute(id.key, vocabulary_, /*for_order_by=*/false));
    id.key = std::string(attr->name);
    return KeyRule{TypeOf(*attr), attr->ops};
  }

  Result<Comparator> ParseComparator(const Identifier& id) {
    Token t = lexer_.Next();
    switch (t.kind) {
      case TokenKind::kOperator: {
        static constexpr std::pair<std::string_view, Comparator> kOps[] = {
            {"=", Comparator::kEq}, {"!=", Comparator::kNe}, {"<", Comparator::kLt},
            {"<=", Comparator::kLe}, {">", Comparator::kGt}, {">=", Comparator::kGe}};
        for (const auto& [text, op] : kOps) {
          if (t.text == text) return op;
        }
        break;
      }
      case TokenKind::kWord:
        if (IsKeyword(t, "LIKE")) return Comparator::kLike;
        if (IsKeyword(t, "ILIKE")) return Comparator::kILike;
        if (IsKeyword(t, "IN")) return Comparator::kIn;
        if (IsKeyword(t, "NOT") && IsKeyword(lexer_.Peek(), "IN")) {
          lexer_.Next();
          return Comparator::kNotIn;
        }
        if (IsKeyword(t, "NOT") && lexer_.Peek().kind == TokenKind::kWord) {
          return InvalidArgument(fmt::format("Invalid comparator 'NOT {}' not one of '{}'",
                                             Snippet(lexer_.Peek().text), DescribeOps(~0u)));
        }
        break;
      case TokenKind::kInvalid:
        // "params.my-key": the key ran into a character bare keys cannot hold.
        if (t.begin == id.end) {
          return SyntaxError(t, "quote keys containing characters other than letters, digits and '_' "
                                "with \"\" or ``, e.g. params.\"my-key\"", id.begin);
        }
        return SyntaxError(t, "", id.begin);
      case TokenKind::kEnd: return SyntaxError(t, "Expected a comparator", id.begin);
      default: break;
    }
    return InvalidArgument(
        fmt::format("Invalid comparator '{}' not one of '{}'", Snippet(Raw(t)), DescribeOps(~0u)));
  }

  Result<FilterValue> ParseValue(const Identifier& id, const KeyRule& rule, Comparator op) {
    Token t = lexer_.Next();
    if (t.kind == TokenKind::kInvalid) return SyntaxError(t, "", id.begin);
    if (t.kind == TokenKind::kEnd) {
      return SyntaxError(t, fmt::format("Expected a value after '{}'", ComparatorSql(op)), id.begin);
    }
    if (op == Comparator::kIn || op == Comparator::kNotIn) {
      if (t.kind != TokenKind::kLParen) {
        return InvalidArgument(
            fmt::format("Expected a list of quoted string values like ('a', 'b') for comparator '{}'. Got value {}",
                        ComparatorSql(op), Snippet(Raw(t))));
      }
      return ParseList(t);
    }
    if (t.kind == TokenKind::kLParen) {
      // Only attributes that take IN lists (run_id for runs) get the
      // "use IN" hint; for the others a list is wrong altogether.
      if (id.entity == FilterEntity::kAttribute && !(rule.ops & kListOps)) {
        return InvalidArgument("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
      }
      return InvalidArgument(fmt::format(
          "A list of values can only be compared with IN or NOT IN, not with '{}'", ComparatorSql(op)));
    }
    if (rule.type == ValueType::kNumber) {
      if (t.kind == TokenKind::kNumber) return FilterValue(t.number);
      if (id.entity == FilterEntity::kMetric) {
        return InvalidArgument(fmt::format("Expected numeric value type for metric. Found {}", Snippet(Raw(t))));
      }
      return InvalidArgument(fmt::format("Expected numeric value type for numeric attribute: {}. Found {}", id.key,
                                         Snippet(Raw(t))));
    }
    if (t.kind == TokenKind::kSingleQuoted || t.kind == TokenKind::kDoubleQuoted) return FilterValue(std::move(t.text));
    switch (id.entity) {
      case FilterEntity::kAttribute:
        return InvalidArgument(
            fmt::format("Expected a quoted string value for attributes. Got value {}", Snippet(Raw(t))));
      case FilterEntity::kDataset:
        return InvalidArgument(
            fmt::format("Expected a quoted string value for dataset attributes. Got value {}", Snippet(Raw(t))));
      default:
        return InvalidArgument(fmt::format("Expected a quoted string value for {} (e.g. 'my-value'). Got value {}",
                                           EntityName(id.entity), Snippet(Raw(t))));
    }
  }

  // After '(': 'a' (, 'b')* ')'. Nothing but quoted strings, no trailing comma.
  Result<FilterValue> ParseList(const Token& open) {
    std::vector<std::string> items;
    if (lexer_.Peek().kind == TokenKind::kRParen) {
      return InvalidArgument(
          "While parsing a list in the query, expected a non-empty list of string values, but got empty list");
    }
    while (true) {
      Token item = lexer_.Next();
      if (item.kind == TokenKind::kInvalid) return SyntaxError(item, "", open.begin);
      if (item.kind != TokenKind::kSingleQuoted && item.kind != TokenKind::kDoubleQuoted) {
        return InvalidArgument(fmt::format(
            "While parsing a list in the query, expected string value, punctuation, or whitespace, but got "
            "different type in list: {}",
            Snippet(input_.substr(open.begin))));
      }
      items.push_back(std::move(item.text));
      Token sep = lexer_.Next();
      if (sep.kind == TokenKind::kRParen) return FilterValue(std::move(items));
      if (sep.kind == TokenKind::kInvalid) return SyntaxError(sep, "", open.begin);
      if (sep.kind != TokenKind::kComma) {
        return InvalidArgument(
            "While parsing a list in the query, expected a non-empty list of string values, but got ill-formed "
            "list.");
      }
    }
  }

  Status ResolveOrderByKey(OrderByClause& clause) {
    if (clause.entity == FilterEntity::kAttribute) {
      CAIRN_ASSIGN_OR_RETURN(const FilterAttribute* attr,
                             ResolveAttribute(clause.key, vocabulary_, /*for_order_by=*/true));
      clause.key = std::string(attr->name);
      return Status::Ok();
    }
    for (FilterEntity entity : vocabulary_.orderable_entities) {
      if (entity == clause.entity) return Status::Ok();
    }
    return InvalidArgument(fmt::format("Invalid order_by entity type '{}'", EntityName(clause.entity)));
  }

  std::string_view input_;
  Lexer lexer_;
  const FilterVocabulary& vocabulary_;
  Mode mode_;
};

Result<std::vector<OrderByClause>> ParseOrderByList(const std::vector<std::string>& order_by,
                                                    const FilterVocabulary& vocabulary) {
  if (order_by.size() > kMaxOrderByClauses) {
    return InvalidArgument(fmt::format("Invalid order_by: at most {} clauses are supported, got {}.",
                                       kMaxOrderByClauses, order_by.size()));
  }
  std::vector<OrderByClause> clauses;
  std::set<std::pair<FilterEntity, std::string>> seen;
  std::vector<std::string> duplicates;
  for (const std::string& text : order_by) {
    CAIRN_ASSIGN_OR_RETURN(OrderByClause clause, Parser(text, vocabulary, Parser::Mode::kOrderBy).ParseOrderBy());
    // Keys are compared after alias resolution: "created" duplicates "start_time".
    if (!seen.emplace(clause.entity, clause.key).second) {
      duplicates.push_back(fmt::format("'{}.{}'", EntityPrefix(clause.entity), Snippet(clause.key)));
    }
    clauses.push_back(std::move(clause));
  }
  if (!duplicates.empty()) {
    return InvalidArgument(fmt::format("`order_by` contains duplicate fields: [{}]", fmt::join(duplicates, ", ")));
  }
  return clauses;
}

}  // namespace

std::string_view ComparatorSql(Comparator op) {
  switch (op) {
    case Comparator::kEq: return "=";
    case Comparator::kNe: return "!=";
    case Comparator::kLt: return "<";
    case Comparator::kLe: return "<=";
    case Comparator::kGt: return ">";
    case Comparator::kGe: return ">=";
    case Comparator::kLike: return "LIKE";
    case Comparator::kILike: return "ILIKE";
    case Comparator::kIn: return "IN";
    case Comparator::kNotIn: return "NOT IN";
  }
  return "=";
}

Result<std::vector<FilterClause>> ParseFilter(std::string_view filter, const FilterVocabulary& vocabulary) {
  return Parser(filter, vocabulary, Parser::Mode::kFilter).ParseFilter();
}

Result<std::vector<OrderByClause>> ParseOrderBy(const std::vector<std::string>& order_by,
                                                const FilterVocabulary& vocabulary) {
  return ParseOrderByList(order_by, vocabulary);
}

Result<std::vector<FilterClause>> ParseRunFilter(std::string_view filter) {
  return ParseFilter(filter, kRunVocabulary);
}

Result<std::vector<FilterClause>> ParseExperimentFilter(std::string_view filter) {
  return ParseFilter(filter, kExperimentVocabulary);
}

Result<std::vector<OrderByClause>> ParseRunOrderBy(const std::vector<std::string>& order_by) {
  return ParseOrderByList(order_by, kRunVocabulary);
}

Result<std::vector<OrderByClause>> ParseExperimentOrderBy(const std::vector<std::string>& order_by) {
  return ParseOrderByList(order_by, kExperimentVocabulary);
}

}  // namespace cairn::tracking

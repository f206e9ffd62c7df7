// YAML reading with limits; converts yaml-cpp exceptions into Status.
#include "pipelines/spec/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>

#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace cairn::pipelines {
namespace {

struct LimitExceeded {
  std::string message;
  YAML::Mark mark;
};

std::string FormatMark(std::string_view source, const YAML::Mark& mark) {
  std::string out(source);
  if (mark.line >= 0) {
    out += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  return out;
}

// Counts nodes with aliases expanded and tracks depth, throwing
// LimitExceeded past the limits. Expanded size of an anchored node is
// remembered so a later alias adds it without re-walking.
class PrescanHandler : public YAML::EventHandler {
 public:
  explicit PrescanHandler(const YamlLimits& limits) : limits_(limits) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > limits_.max_documents) {
      throw LimitExceeded{"more than " + std::to_string(limits_.max_documents) + " YAML documents", mark};
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Leaf(mark, anchor, 1); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchor_sizes_.find(anchor);
    Leaf(mark, 0, it == anchor_sizes_.end() ? 1 : it->second);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    Leaf(mark, anchor, 1);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    YAML::anchor_t anchor;
    size_t size;
  };
  void Add(const YAML::Mark& mark, size_t n) {
    total_ += n;
    if (total_ > limits_.max_expanded_nodes) {
      throw LimitExceeded{"document expands to more than " + std::to_string(limits_.max_expanded_nodes) +
                              " nodes (alias/anchor bomb?)",
                          mark};
    }
    if (!stack_.empty()) stack_.back().size += n;
  }
  void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor, size_t n) {
    Add(mark, n);
    if (anchor != 0) anchor_sizes_[anchor] = n;
  }
  void Open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      throw LimitExceeded{"YAML nested deeper than " + std::to_string(limits_.max_depth) + " levels", mark};
    }
    ++total_;
    stack_.push_back({anchor, 1});
    last_mark_ = mark;
  }
  void Close() {
    if (stack_.empty()) return;
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.anchor != 0) anchor_sizes_[f.anchor] = f.size;
    if (!stack_.empty()) {
      stack_.back().size += f.size;
      if (stack_.back().size > limits_.max_expanded_nodes) {
        throw LimitExceeded{"document expands to too many nodes", last_mark_};
      }
    }
  }

  const YamlLimits& limits_;
  size_t documents_ = 0;
  size_t total_ = 0;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, size_t> anchor_sizes_;
  YAML::Mark last_mark_;
};

bool IsPlain(const YAML::Node& n) { return n.Tag() == "?"; }

}  // namespace

std::string JoinPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out(parent);
  out.push_back('.');
  out.append(key);
  return out;
}

int YamlNode::line() const {
  if (!node_.IsDefined()) return 0;
  const auto m = node_.Mark();
  return m.line >= 0 ? m.line + 1 : 0;
}

Status YamlNode::Error(std::string_view message) const {
  std::string out = source_ ? *source_ : std::string();
  if (node_.IsDefined()) {
    const auto m = node_.Mark();
    if (m.line >= 0) out += ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
  }
  out += ": ";
  if (!path_.empty()) out += path_ + ": ";
  out.append(message);
  return InvalidArgument(std::move(out));
}

std::optional<YamlNode> YamlNode::Get(std::string_view key) const {
  if (!node_.IsMap()) return std::nullopt;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      return Child(it->second, JoinPath(path_, key));
    }
  }
  return std::nullopt;
}

Result<std::vector<std::pair<std::string, YamlNode>>> YamlNode::Entries() const {
  std::vector<std::pair<std::string, YamlNode>> out;
  if (IsNull()) return out;
  if (!node_.IsMap()) return Error("expected a mapping");
  std::set<std::string, std::less<>> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (!it->first.IsScalar()) return Error("mapping keys must be plain strings");
    std::string key = it->first.Scalar();
    if (!seen.insert(key).second) return Error("duplicate key \"" + key + "\"");
    out.emplace_back(key, Child(it->second, JoinPath(path_, key)));
  }
  return out;
}

Result<std::vector<YamlNode>> YamlNode::Items() const {
  std::vector<YamlNode> out;
  if (IsNull()) return out;
  if (!node_.IsSequence()) return Error("expected a list");
  size_t i = 0;
  for (auto it = node_.begin(); it != node_.end(); ++it, ++i) {
    out.push_back(Child(*it, path_ + "[" + std::to_string(i) + "]"));
  }
  return out;
}

Status YamlNode::CheckKeys(const std::vector<std::string_view>& allowed) const {
  if (!node_.IsMap()) return Status::Ok();
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (!it->first.IsScalar()) return Error("mapping keys must be plain strings");
    const std::string& key = it->first.Scalar();
    bool ok = false;
    for (auto a : allowed) ok = ok || a == key;
    if (!ok) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Child(it->first, path_).Error("unknown key \"" + key + "\" (expected one of: " + list + ")");
    }
  }
  return Status::Ok();
}

Result<std::string> YamlNode::AsString() const {
  if (!node_.IsScalar()) return Error("expected a string");
  return node_.Scalar();
}

Result<bool> YamlNode::AsBool() const {
  if (node_.IsScalar()) {
    const std::string& s = node_.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  return Error("expected true or false");
}

Result<int64_t> YamlNode::AsInt() const {
  if (node_.IsScalar()) {
    const std::string& s = node_.Scalar();
    int64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty()) return v;
    double d = 0;
    auto rd = std::from_chars(s.data(), s.data() + s.size(), d);
    if (rd.ec == std::errc() && rd.ptr == s.data() + s.size() && std::trunc(d) == d && std::fabs(d) < 9e15) {
      return static_cast<int64_t>(d);
    }
  }
  return Error("expected an integer");
}

Result<double> YamlNode::AsDouble() const {
  if (node_.IsScalar()) {
    const std::string& s = node_.Scalar();
    double d = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), d);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty()) return d;
  }
  return Error("expected a number");
}

Result<Value> YamlNode::ToValue() const { return ToValueAt(0); }

Result<Value> YamlNode::ToValueAt(int depth) const {
  if (depth > Value::kMaxDepth) return Error("value nested too deeply");
  if (IsNull()) return Value::Null();
  if (node_.IsScalar()) {
    const std::string& s = node_.Scalar();
    if (!IsPlain(node_)) return Value::String(s);
    if (s == "null" || s == "Null" || s == "NULL" || s == "~" || s.empty()) return Value::Null();
    if (s == "true" || s == "True" || s == "TRUE") return Value::Bool(true);
    if (s == "false" || s == "False" || s == "FALSE") return Value::Bool(false);
    {
      int64_t v = 0;
      const char* b = s.data();
      if (*b == '+') ++b;
      auto r = std::from_chars(b, s.data() + s.size(), v);
      if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return Value::Int(v);
    }
    {
      const bool looks_numeric = s.find_first_not_of("0123456789+-.eE") == std::string::npos &&
                                 s.find_first_of("0123456789") != std::string::npos;
      double d = 0;
      const char* b = s.data();
      if (*b == '+') ++b;
      auto r = std::from_chars(b, s.data() + s.size(), d);
      if (looks_numeric && r.ec == std::errc() && r.ptr == s.data() + s.size()) return Value::Double(d);
    }
    if (s == ".inf" || s == ".Inf" || s == "+.inf") return Value::Double(INFINITY);
    if (s == "-.inf" || s == "-.Inf") return Value::Double(-INFINITY);
    if (s == ".nan" || s == ".NaN") return Value::Double(NAN);
    return Value::String(s);
  }
  if (node_.IsSequence()) {
    Value::List items;
    CAIRN_ASSIGN_OR_RETURN(auto nodes, Items());
    items.reserve(nodes.size());
    for (const auto& n : nodes) {
      CAIRN_ASSIGN_OR_RETURN(auto v, n.ToValueAt(depth + 1));
      items.push_back(std::move(v));
    }
    return Value::MakeList(std::move(items));
  }
  CAIRN_ASSIGN_OR_RETURN(auto entries, Entries());
  Value::Struct fields;
  fields.reserve(entries.size());
  for (const auto& [k, n] : entries) {
    CAIRN_ASSIGN_OR_RETURN(auto v, n.ToValueAt(depth + 1));
    fields.emplace_back(k, std::move(v));
  }
  return Value::MakeStruct(std::move(fields));
}

Result<std::string> YamlNode::GetString(std::string_view key, std::string fallback) const {
  auto n = Get(key);
  if (!n || n->IsNull()) return fallback;
  return n->AsString();
}

Result<bool> YamlNode::GetBool(std::string_view key, bool fallback) const {
  auto n = Get(key);
  if (!n || n->IsNull()) return fallback;
  return n->AsBool();
}

Result<int64_t> YamlNode::GetInt(std::string_view key, int64_t fallback) const {
  auto n = Get(key);
  if (!n || n->IsNull()) return fallback;
  return n->AsInt();
}

Result<std::vector<YamlNode>> ParseYamlDocuments(std::string_view text, std::string_view source_name,
                                                 const YamlLimits& limits) {
  auto source = std::make_shared<const std::string>(source_name);
  if (text.size() > limits.max_bytes) {
    return InvalidArgument(std::string(source_name) + ": spec is larger than " +
                           std::to_string(limits.max_bytes) + " bytes");
  }
  const std::string owned(text);
  try {
    {
      std::istringstream in(owned);
      YAML::Parser parser(in);
      PrescanHandler handler(limits);
      while (parser.HandleNextDocument(handler)) {
      }
    }
    std::vector<YAML::Node> docs = YAML::LoadAll(owned);
    std::vector<YamlNode> out;
    out.reserve(docs.size());
    for (auto& d : docs) out.emplace_back(std::move(d), "", source);
    return out;
  } catch (const LimitExceeded& e) {
    return InvalidArgument(FormatMark(source_name, e.mark) + ": " + e.message);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(FormatMark(source_name, e.mark) + ": invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string(source_name) + ": invalid YAML: " + e.what());
  }
}

}  // namespace cairn::pipelines

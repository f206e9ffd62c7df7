// Safe YAML reading for the spec loaders: the only place yaml-cpp exceptions
// are caught. ParseYamlDocuments pre-scans the event stream to bound nesting
// depth, document count and alias expansion (YAML bombs) before building
// nodes; YamlNode wraps a node with its YAML path ("root.dag.tasks.x") and
// turns every mistake into a kInvalidArgument Status naming
// "source:line:column: path". Thread-compatible.
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "pipelines/spec/value.h"

namespace cairn::pipelines {

struct YamlLimits {
  size_t max_bytes = 16 * 1024 * 1024;
  int max_depth = 100;                  // nested maps/sequences
  size_t max_documents = 8;
  size_t max_expanded_nodes = 2000000;  // nodes counted with aliases expanded
};

class YamlNode {
 public:
  YamlNode(YAML::Node node, std::string path, std::shared_ptr<const std::string> source)
      : node_(std::move(node)), path_(std::move(path)), source_(std::move(source)) {}

  const std::string& path() const { return path_; }
  const YAML::Node& raw() const { return node_; }
  bool IsMap() const { return node_.IsMap(); }
  bool IsSequence() const { return node_.IsSequence(); }
  bool IsScalar() const { return node_.IsScalar(); }
  bool IsNull() const { return !node_.IsDefined() || node_.IsNull(); }
  // 1-based line, 0 when unknown.
  int line() const;

  // kInvalidArgument "source:line:col: path: message".
  Status Error(std::string_view message) const;

  // Map child; nullopt when absent (or this is not a map).
  std::optional<YamlNode> Get(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key).has_value(); }
  // Map entries in document order; error if not a map (null = empty), a key
  // is not a scalar, or a key repeats.
  Result<std::vector<std::pair<std::string, YamlNode>>> Entries() const;
  // Sequence items; error if not a sequence (null = empty).
  Result<std::vector<YamlNode>> Items() const;
  // Error naming the first key not in `allowed` (strict formats).
  Status CheckKeys(const std::vector<std::string_view>& allowed) const;

  // Scalars. AsString accepts any scalar (numbers as written).
  Result<std::string> AsString() const;
  Result<bool> AsBool() const;
  Result<int64_t> AsInt() const;
  Result<double> AsDouble() const;
  // Any node as a JSON-like Value: plain scalars are typed (null, true/false,
  // integers, floats), quoted scalars are strings.
  Result<Value> ToValue() const;

  // Optional map fields with defaults; errors on the wrong kind.
  Result<std::string> GetString(std::string_view key, std::string fallback = {}) const;
  Result<bool> GetBool(std::string_view key, bool fallback) const;
  Result<int64_t> GetInt(std::string_view key, int64_t fallback) const;

 private:
  Result<Value> ToValueAt(int depth) const;
  YamlNode Child(YAML::Node node, std::string path) const { return YamlNode(std::move(node), std::move(path), source_); }

  YAML::Node node_;
  std::string path_;
  std::shared_ptr<const std::string> source_;
};

// Parses every document of `text` (empty documents are kept as null nodes).
// Errors: size/depth/document/expansion limits, malformed YAML with
// line:column. `source_name` prefixes messages; document roots get path
// `root_path` (e.g. "" for the first document).
Result<std::vector<YamlNode>> ParseYamlDocuments(std::string_view text, std::string_view source_name,
                                                 const YamlLimits& limits = {});

// Joins a YAML path: "a" + "b" -> "a.b"; "" + "b" -> "b".
std::string JoinPath(std::string_view parent, std::string_view key);

}  // namespace cairn::pipelines

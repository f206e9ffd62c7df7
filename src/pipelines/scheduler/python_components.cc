#include "pipelines/scheduler/python_components.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string_view>

#include "platform/subprocess.h"

namespace cairn::pipelines {
namespace {

// Splits a shell fragment into words: '...' and "..." quoting, backslash
// escapes, whitespace separation. Enough for the compiler-generated pip
// line; anything fancier (substitutions) stays inside a word verbatim.
std::vector<std::string> ShellWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '\'') {
      const size_t end = text.find('\'', i + 1);
      word.append(text.substr(i + 1, end == std::string_view::npos ? std::string_view::npos : end - i - 1));
      in_word = true;
      if (end == std::string_view::npos) break;
      i = end;
    } else if (ch == '"') {
      ++i;
      for (; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        word.push_back(text[i]);
      }
      in_word = true;
    } else if (ch == '\\' && i + 1 < text.size()) {
      word.push_back(text[++i]);
      in_word = true;
    } else if (ch == ' ' || ch == '\t' || ch == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word.push_back(ch);
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

// pip options that take a value (the value is not a requirement).
bool PipOptionTakesValue(std::string_view option) {
  return option == "-i" || option == "--index-url" || option == "--extra-index-url" ||
         option == "--trusted-host" || option == "-f" || option == "--find-links" || option == "-c" ||
         option == "--constraint" || option == "--target" || option == "--prefix";
}

// Prints, one per line, each argument that is a requirement python3 does not
// have. Uses `packaging` (or pip's vendored copy) for names and markers when
// available; otherwise the name before any specifier, and markers other than
// python_version are taken as true.
constexpr char kProbeScript[] = R"PY(
import re, sys
import importlib.metadata as md
try:
    from packaging.requirements import Requirement
except ImportError:
    try:
        from pip._vendor.packaging.requirements import Requirement
    except ImportError:
        Requirement = None
def version_tuple(text):
    return tuple(int(p) for p in re.findall(r"\d+", text)[:2])
def simple_marker_true(marker):
    m = re.fullmatch(r"\s*python_version\s*(<=|>=|==|!=|<|>)\s*['\"]([\d.]+)['\"]\s*", marker)
    if not m:
        return True
    here, there = sys.version_info[:2], version_tuple(m.group(2))
    return {"<": here < there, "<=": here <= there, ">": here > there, ">=": here >= there,
            "==": here == there, "!=": here != there}[m.group(1)]
for text in sys.argv[1:]:
    if Requirement is not None:
        try:
            req = Requirement(text)
        except Exception:
            print(text)
            continue
        if req.marker is not None and not req.marker.evaluate():
            continue
        name = req.name
    else:
        spec, _, marker = text.partition(";")
        if marker and not simple_marker_true(marker):
            continue
        name = re.split(r"[<>=!~\[ ]", spec.strip(), maxsplit=1)[0]
    try:
        md.version(name)
    except md.PackageNotFoundError:
        print(text)
)PY";

struct ProbeResult {
  std::chrono::steady_clock::time_point when;
  Result<std::vector<std::string>> missing;
};

// Runs python3 with the probe; returns its stdout lines.
Result<std::vector<std::string>> RunProbe(const std::vector<std::string>& requirements,
                                          const std::vector<std::pair<std::string, std::string>>& env) {
  platform::SubprocessOptions options;
  options.argv = {"python3", "-c", kProbeScript};
  options.argv.insert(options.argv.end(), requirements.begin(), requirements.end());
  options.env = platform::MergeEnvironment(platform::CurrentEnvironment(), env);
  options.timeout_ms = 20000;
  options.max_output_bytes = 1 << 20;
  auto run = platform::RunSubprocess(options);
  if (!run.ok()) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("this is a KFP lightweight Python component, and python3 cannot run here: {}",
                              run.status().message()));
  }
  if (run->timed_out) {
    return Status(StatusCode::kFailedPrecondition, "checking the Python packages of a KFP component timed out");
  }
  if (run->exit_code != 0) {
    return Status(StatusCode::kFailedPrecondition,
                  "this is a KFP lightweight Python component, and python3 (3.8 or newer) could not check its packages",
                  run->stderr_data);
  }
  std::vector<std::string> missing;
  const std::string& output = run->stdout_data;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    if (end > start) missing.push_back(output.substr(start, end - start));
    start = end + 1;
  }
  return missing;
}

}  // namespace

std::optional<LightweightPythonCommand> ParseLightweightPythonCommand(const std::vector<std::string>& argv) {
  // sh -c '<pip step> && "$0" "$@"' <command...>
  if (argv.size() < 4 || argv[0] != "sh" || argv[1] != "-c") return std::nullopt;
  const std::string& script = argv[2];
  if (script.find("pip install") == std::string::npos) return std::nullopt;
  bool runs_kfp = false;
  for (size_t i = 3; i < argv.size(); ++i) runs_kfp |= argv[i].find("kfp.dsl.executor_main") != std::string::npos;
  if (!runs_kfp) return std::nullopt;
  // The wrapper must end by running its arguments, or dropping it would
  // change what runs.
  std::string_view tail(script);
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.remove_suffix(1);
  constexpr std::string_view kRunArgs = "&& \"$0\" \"$@\"";
  if (tail.size() < kRunArgs.size() || tail.substr(tail.size() - kRunArgs.size()) != kRunArgs) return std::nullopt;

  LightweightPythonCommand out;
  size_t pos = 0;
  while ((pos = script.find("pip install", pos)) != std::string::npos) {
    pos += std::string_view("pip install").size();
    size_t end = script.find("&&", pos);
    std::vector<std::string> words =
        ShellWords(std::string_view(script).substr(pos, end == std::string::npos ? std::string::npos : end - pos));
    for (size_t i = 0; i < words.size(); ++i) {
      if (words[i].empty()) continue;
      if (words[i][0] == '-') {
        if (PipOptionTakesValue(words[i])) ++i;
        continue;
      }
      out.requirements.push_back(words[i]);
    }
    if (end == std::string::npos) break;
    pos = end;
  }
  out.argv.assign(argv.begin() + 3, argv.end());
  return out;
}

Result<std::vector<std::string>> MissingPythonRequirements(const std::vector<std::string>& requirements,
                                                           const std::vector<std::pair<std::string, std::string>>& env) {
  if (requirements.empty()) return std::vector<std::string>();
  static std::mutex mu;
  static std::map<std::string, ProbeResult> cache;
  std::string key;
  for (const auto& [k, v] : env) {
    if (k == "PATH" || k == "PYTHONPATH" || k == "VIRTUAL_ENV") key += k + "=" + v + "\n";
  }
  for (const auto& r : requirements) key += r + "\n";
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it != cache.end() && now - it->second.when < std::chrono::minutes(1)) return it->second.missing;
    if (cache.size() > 256) cache.clear();
  }
  auto missing = RunProbe(requirements, env);
  std::lock_guard<std::mutex> lock(mu);
  cache.insert_or_assign(key, ProbeResult{now, missing});
  return missing;
}

}  // namespace cairn::pipelines

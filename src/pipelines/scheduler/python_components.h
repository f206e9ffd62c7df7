// KFP lightweight Python components on the host.
//
// The KFP compiler wraps a Python function in a container command of the
// shape
//   sh -c '<ensure pip>; python3 -m pip install ... 'kfp==X' ... && "$0" "$@"'
//   sh -ec '<write the function source to a file>; python3 -m kfp.dsl.executor_main ...'
//   '<function source>'  + args (--executor_input {{$}} --function_to_execute f)
// Inside its image, pip installs kfp (and packages_to_install) first. On a
// host cairn never installs packages into the host's Python (no network
// assumed, no surprise changes to a shared interpreter): it checks that the
// required distributions are installed, then runs the component without the
// pip step, or fails the task naming what is missing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace cairn::pipelines {

struct LightweightPythonCommand {
  // Requirements the pip step would install, as written ("kfp==2.14.6",
  // "typing-extensions>=3.7.4,<5; python_version<\"3.9\"", "pandas").
  std::vector<std::string> requirements;
  // The command without the pip step: what `"$0" "$@"` would have run.
  std::vector<std::string> argv;
};

// Recognizes the KFP lightweight-component wrapper in a resolved argv;
// nullopt for any other command (which then runs unchanged).
std::optional<LightweightPythonCommand> ParseLightweightPythonCommand(const std::vector<std::string>& argv);

// The requirements of `requirements` that `python3` on this host does not
// have installed (by distribution name; environment markers such as
// python_version<"3.9" are honoured; versions are not enforced). Results are
// cached for a minute. kFailedPrecondition when python3 cannot run.
Result<std::vector<std::string>> MissingPythonRequirements(const std::vector<std::string>& requirements,
                                                           const std::vector<std::pair<std::string, std::string>>& env);

}  // namespace cairn::pipelines

#include "pipelines/scheduler/python_components.h"

#include <gtest/gtest.h>

namespace cairn::pipelines {
namespace {

// The wrapper the KFP 2.x compiler writes (add_numbers.yaml), with
// packages_to_install and an extra index as the compiler renders them.
const std::string kPipStep =
    "\nif ! [ -x \"$(command -v pip)\" ]; then\n    python3 -m ensurepip || python3 -m ensurepip --user || "
    "apt-get install python3-pip\nfi\n\nPIP_DISABLE_PIP_VERSION_CHECK=1 python3 -m pip install --quiet "
    "--no-warn-script-location 'kfp==2.14.6' '--no-deps' 'typing-extensions>=3.7.4,<5; python_version<\"3.9\"'  &&  "
    "python3 -m pip install --quiet --no-warn-script-location --index-url https://pypi.example/simple 'pandas' && "
    "\"$0\" \"$@\"\n";

std::vector<std::string> KfpArgv(const std::string& pip_step) {
  return {"sh", "-c", pip_step, "sh", "-ec",
          "program_path=$(mktemp -d)\nprintf \"%s\" \"$0\" > \"$program_path/ephemeral_component.py\"\n"
          "_KFP_RUNTIME=true python3 -m kfp.dsl.executor_main --component_module_path "
          "\"$program_path/ephemeral_component.py\" \"$@\"\n",
          "def add(a: int, b: int) -> int:\n    return a + b\n", "--executor_input", "{}", "--function_to_execute",
          "add"};
}

TEST(PythonComponentsTest, RecognizesTheKfpWrapper) {
  auto parsed = ParseLightweightPythonCommand(KfpArgv(kPipStep));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->requirements,
            (std::vector<std::string>{"kfp==2.14.6", "typing-extensions>=3.7.4,<5; python_version<\"3.9\"", "pandas"}));
  ASSERT_EQ(parsed->argv.size(), 8u);
  EXPECT_EQ(parsed->argv[0], "sh");
  EXPECT_EQ(parsed->argv[1], "-ec");
  EXPECT_EQ(parsed->argv.back(), "add");
}

TEST(PythonComponentsTest, OtherCommandsRunUnchanged) {
  EXPECT_FALSE(ParseLightweightPythonCommand({"echo", "hi"}).has_value());
  EXPECT_FALSE(ParseLightweightPythonCommand({"sh", "-c", "pip install x && \"$0\" \"$@\"", "python3", "t.py"}))
      << "no kfp executor: not a lightweight component";
  // A pip step that does not end by running its arguments is left alone:
  // dropping it would change what runs.
  auto argv = KfpArgv("python3 -m pip install 'kfp' && echo done");
  EXPECT_FALSE(ParseLightweightPythonCommand(argv).has_value());
}

TEST(PythonComponentsTest, ReportsMissingDistributionsAndHonoursMarkers) {
  auto missing = MissingPythonRequirements(
      {"cairn-no-such-distribution==1.0", "another-missing-one; python_version<\"3.0\""}, {});
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  // The marker excludes the second one on any Python 3.
  EXPECT_EQ(*missing, std::vector<std::string>{"cairn-no-such-distribution==1.0"});
}

}  // namespace
}  // namespace cairn::pipelines

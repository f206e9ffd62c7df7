// `cairn models ...` against the real server: the CLI goes through
// client::RestRegistryStore, so this also exercises that client end to end.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <vector>

#include "integration/registry_test_util.h"

namespace cairn::integration {
namespace {

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

std::string ShellQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class RegistryCliTest : public RegistryTest {
 protected:
  CliResult Cairn(const std::vector<std::string>& args) {
    std::string command = ShellQuote(CAIRN_BINARY_PATH);
    for (const auto& arg : args) command += " " + ShellQuote(arg);
    command += " --tracking-uri " + ShellQuote(server().url()) + " 2>&1";
    CliResult result;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.out.append(buffer, n);
    int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
  }
};

TEST_F(RegistryCliTest, CreateAliasListGetLineage) {
  std::string experiment = CreateExperiment("cli");
  std::string run_id = CreateRun(experiment, R"("run_name":"cli-train")");
  ASSERT_FALSE(HasFatalFailure());
  UploadRunArtifact(run_id, "model/MLmodel", "flavors: {}");
  std::string name = UniqueName("cli-model");

  CliResult created = Cairn({"models", "create-version", name, fmt::format("runs:/{}/model", run_id),
                             "--create-model", "--tag", "k=v", "--json"});
  ASSERT_EQ(created.exit_code, 0) << created.out;
  Json version(created.out);
  EXPECT_EQ(version.Str("/model_version/version"), "1") << created.out;
  EXPECT_EQ(version.Str("/model_version/run_id"), run_id);

  CliResult alias = Cairn({"models", "set-alias", name, "champion", "1"});
  ASSERT_EQ(alias.exit_code, 0) << alias.out;

  CliResult list = Cairn({"models", "list", "--filter", fmt::format("name = '{}'", name)});
  ASSERT_EQ(list.exit_code, 0) << list.out;
  EXPECT_NE(list.out.find(name), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("champion->1"), std::string::npos) << list.out;

  CliResult get = Cairn({"models", "get", name, "--json"});
  ASSERT_EQ(get.exit_code, 0) << get.out;
  Json got(get.out);
  EXPECT_EQ(got.Str("/registered_model/name"), name);
  EXPECT_EQ(got.Size("/model_versions"), 1u);

  CliResult lineage = Cairn({"models", "lineage", name + "@champion"});
  ASSERT_EQ(lineage.exit_code, 0) << lineage.out;
  EXPECT_NE(lineage.out.find(run_id), std::string::npos) << lineage.out;
  EXPECT_NE(lineage.out.find("cli-train"), std::string::npos) << lineage.out;
  EXPECT_NE(lineage.out.find("mlflow-artifacts:/models/"), std::string::npos) << lineage.out;
  CliResult lineage_json = Cairn({"models", "lineage", name + "/1", "--json"});
  ASSERT_EQ(lineage_json.exit_code, 0) << lineage_json.out;
  EXPECT_EQ(Json(lineage_json.out).Str("/run/run_id"), run_id);

  CliResult removed = Cairn({"models", "delete-alias", name, "champion"});
  ASSERT_EQ(removed.exit_code, 0) << removed.out;
  CliResult gone = Cairn({"models", "lineage", name + "@champion"});
  EXPECT_EQ(gone.exit_code, 1) << gone.out;
  EXPECT_NE(gone.out.find("Error:"), std::string::npos) << gone.out;
  CliResult bad_ref = Cairn({"models", "lineage", "no-version-here"});
  EXPECT_EQ(bad_ref.exit_code, 1) << bad_ref.out;
  CliResult reserved = Cairn({"models", "set-alias", name, "latest", "1"});
  EXPECT_EQ(reserved.exit_code, 1) << reserved.out;
}

}  // namespace
}  // namespace cairn::integration

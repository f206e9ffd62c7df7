// Hostile and malformed input to the model-registry, logged-model and cairn
// lineage endpoints: every request gets MLflow's error JSON with the right
// code and HTTP status, changes nothing (the model's observable state and
// its audit trail stay identical), and the server keeps running.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/registry_test_util.h"

namespace cairn::integration {
namespace {

using client::HttpMethod;

class RegistryBadInputTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    if (HasFatalFailure()) return;
    name_ = CreateModel("bad");
    ASSERT_EQ(CreateVersion(name_, "s3://bucket/model"), "1");
    ASSERT_OK_JSON(SetAlias(name_, "champion", "1"));
    before_ = ModelState(name_);
    audit_before_ = AuditCount(name_);
  }

  // The model looks exactly as before and no audit event was added.
  void ExpectUnchanged(std::string_view what) {
    EXPECT_EQ(ModelState(name_), before_) << what;
    EXPECT_EQ(AuditCount(name_), audit_before_) << what;
  }

  std::string name_;
  std::string before_;
  size_t audit_before_ = 0;
};

TEST_F(RegistryBadInputTest, UnknownNamesAreNotFound) {
  const std::string ghost = UniqueName("ghost");
  EXPECT_API_ERROR(api().Get("registered-models/get", {{"name", ghost}}), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("registered-models/rename", fmt::format(R"({{"name":"{}","new_name":"x{}"}})", ghost, ghost)),
                   404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(Patch("registered-models/update", fmt::format(R"({{"name":"{}","description":"d"}})", ghost)), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(Delete("registered-models/delete", fmt::format(R"({{"name":"{}"}})", ghost)), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("registered-models/set-tag", fmt::format(R"({{"name":"{}","key":"k","value":"v"}})", ghost)),
                   404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("model-versions/create", fmt::format(R"({{"name":"{}","source":"s3://b/m"}})", ghost)), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Get("registered-models/get-latest-versions", {{"name", ghost}}), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  // Known model, unknown version / alias / tag.
  EXPECT_API_ERROR(GetVersion(name_, "99"), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(SetAlias(name_, "other", "99"), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Get("registered-models/alias", {{"name", name_}, {"alias", "nobody"}}), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(Delete("registered-models/alias", fmt::format(R"({{"name":"{}","alias":"nobody"}})", name_)), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(Delete("registered-models/delete-tag", fmt::format(R"({{"name":"{}","key":"nope"}})", name_)), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(Delete("model-versions/delete", fmt::format(R"({{"name":"{}","version":"99"}})", name_)), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("model-versions/create",
                              fmt::format(R"({{"name":"{}","source":"runs:/{}/model"}})", name_, std::string(32, 'f'))),
                   404, "RESOURCE_DOES_NOT_EXIST");
  ExpectUnchanged("unknown names");
}

TEST_F(RegistryBadInputTest, InvalidVersionNumbers) {
  for (const char* bad : {"abc", "0", "-1", "1.5", "", " 1", "99999999999999999999"}) {
    SCOPED_TRACE(bad);
    Reply get = GetVersion(name_, bad);
    EXPECT_API_ERROR(get, 400, "INVALID_PARAMETER_VALUE");
    EXPECT_API_ERROR(Patch("model-versions/update",
                           fmt::format(R"({{"name":"{}","version":"{}","description":"x"}})", name_, bad)),
                     400, "INVALID_PARAMETER_VALUE");
    EXPECT_API_ERROR(Delete("model-versions/delete", fmt::format(R"({{"name":"{}","version":"{}"}})", name_, bad)), 400,
                     "INVALID_PARAMETER_VALUE");
    EXPECT_API_ERROR(SetAlias(name_, "champion", bad), 400, "INVALID_PARAMETER_VALUE");
    EXPECT_API_ERROR(api().Get("model-versions/get-download-uri", {{"name", name_}, {"version", bad}}), 400,
                     "INVALID_PARAMETER_VALUE");
    EXPECT_API_ERROR(api().Post("model-versions/set-tag",
                                fmt::format(R"({{"name":"{}","version":"{}","key":"k","value":"v"}})", name_, bad)),
                     400, "INVALID_PARAMETER_VALUE");
  }
  // A JSON number that is not an integer.
  EXPECT_API_ERROR(Patch("model-versions/update", fmt::format(R"({{"name":"{}","version":1.5}})", name_)), 400,
                   "INVALID_PARAMETER_VALUE");
  ExpectUnchanged("invalid versions");
}

TEST_F(RegistryBadInputTest, ReservedAndMalformedAliases) {
  for (const char* bad : {"latest", "LATEST", "Latest", "v1", "V22", "v007", "has space", "slash/alias", "dot.alias",
                          "semi;colon"}) {
    SCOPED_TRACE(bad);
    EXPECT_API_ERROR(SetAlias(name_, bad, "1"), 400, "INVALID_PARAMETER_VALUE");
  }
  EXPECT_API_ERROR(SetAlias(name_, std::string(256, 'a'), "1"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("registered-models/alias", fmt::format(R"({{"name":"{}","version":"1"}})", name_)), 400,
                   "INVALID_PARAMETER_VALUE");
  ExpectUnchanged("aliases");
  // Aliases that merely look close are fine.
  EXPECT_OK_JSON(SetAlias(name_, "v1a", "1"));
  EXPECT_OK_JSON(SetAlias(name_, "latest-good", "1"));
}

TEST_F(RegistryBadInputTest, DuplicateNames) {
  EXPECT_API_ERROR(api().Post("registered-models/create", fmt::format(R"({{"name":"{}"}})", name_)), 400,
                   "RESOURCE_ALREADY_EXISTS");
  std::string other = CreateModel("other");
  EXPECT_API_ERROR(api().Post("registered-models/rename", fmt::format(R"({{"name":"{}","new_name":"{}"}})", other, name_)),
                   400, "RESOURCE_ALREADY_EXISTS");
  EXPECT_OK_JSON(api().Get("registered-models/get", {{"name", other}}));
  ExpectUnchanged("duplicates");
}

TEST_F(RegistryBadInputTest, OversizedFields) {
  const std::string big_description(100001, 'd');
  EXPECT_API_ERROR(Patch("registered-models/update",
                         fmt::format(R"({{"name":"{}","description":"{}"}})", name_, big_description)),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(Patch("model-versions/update",
                         fmt::format(R"({{"name":"{}","version":"1","description":"{}"}})", name_, big_description)),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("registered-models/set-tag",
                              fmt::format(R"({{"name":"{}","key":"{}","value":"v"}})", name_, std::string(251, 'k'))),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("registered-models/set-tag",
                              fmt::format(R"({{"name":"{}","key":"k","value":"{}"}})", name_, std::string(100001, 'v'))),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("model-versions/set-tag",
                              fmt::format(R"({{"name":"{}","version":"1","key":"../x","value":"v"}})", name_)),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("model-versions/create",
                              fmt::format(R"({{"name":"{}","source":"s3://b/m","tags":[{{"key":"k","value":"{}"}}]}})",
                                          name_, std::string(100001, 'v'))),
                   400, "INVALID_PARAMETER_VALUE");
  // Right at the limits is fine (on another model, to keep this one unchanged).
  std::string other = CreateModel("limits");
  EXPECT_OK_JSON(api().Post("registered-models/set-tag",
                            fmt::format(R"({{"name":"{}","key":"{}","value":"{}"}})", other, std::string(250, 'k'),
                                        std::string(100000, 'v'))));
  ExpectUnchanged("oversized");
}

TEST_F(RegistryBadInputTest, MalformedRequests) {
  // Not JSON, wrong JSON types, wrong content type, missing fields.
  EXPECT_API_ERROR(api().Post("registered-models/create", "{\"name\":"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("registered-models/create", "[1,2]"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("registered-models/create", R"({"name":["a"]})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("registered-models/create", R"({"name":"x","tags":"nope"})"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("registered-models/create", R"({"name":""})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("registered-models/create", "{}"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Send(HttpMethod::kPost, "registered-models/create", fmt::format(R"({{"name":"{}x"}})", name_),
                              {{"Content-Type", "text/plain"}}),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(Patch("registered-models/update", "not json"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(Delete("registered-models/delete", "{"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("model-versions/create", fmt::format(R"({{"name":"{}"}})", name_)), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("registered-models/rename", fmt::format(R"({{"name":"{}"}})", name_)), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("registered-models/set-tag", fmt::format(R"({{"name":"{}","key":"k"}})", name_)), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("registered-models/alias", {{"name", name_}}), 400, "INVALID_PARAMETER_VALUE");
  // Stages.
  EXPECT_API_ERROR(api().Post("model-versions/transition-stage",
                              fmt::format(R"({{"name":"{}","version":"1","stage":"Deployed",)"
                                          R"("archive_existing_versions":false}})",
                                          name_)),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("model-versions/transition-stage",
                              fmt::format(R"({{"name":"{}","version":"1","stage":"Staging"}})", name_)),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("model-versions/transition-stage",
                              fmt::format(R"({{"name":"{}","version":"1","stage":"Staging",)"
                                          R"("archive_existing_versions":"maybe"}})",
                                          name_)),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("registered-models/get-latest-versions",
                              fmt::format(R"({{"name":"{}","stages":["Gone"]}})", name_)),
                   400, "INVALID_PARAMETER_VALUE");
  // Wrong methods are not JSON errors of this API, but never 200.
  EXPECT_EQ(api().Get("registered-models/create").status, 405);
  ExpectUnchanged("malformed");
}

TEST_F(RegistryBadInputTest, UnsafeSources) {
  std::string experiment = CreateExperiment("sources");
  std::string run_id = CreateRun(experiment);
  ASSERT_FALSE(HasFatalFailure());
  for (const std::string& source : {std::string("s3://bucket/../secret"), std::string("s3://bucket/a/%2E%2E/b"),
                                   fmt::format("runs:/{}/../../other", run_id), std::string("/etc"),
                                   std::string("file:///etc/passwd"), std::string("relative/path"),
                                   std::string("models:/nope-model/1"), std::string("models:/x/1/extra"),
                                   std::string("")}) {
    SCOPED_TRACE(source);
    Reply reply = api().Post("model-versions/create", fmt::format(R"({{"name":"{}","source":"{}"}})", name_, source));
    EXPECT_TRUE(reply.status == 400 || reply.status == 404) << reply.Describe();
    EXPECT_TRUE(reply.json().Str("/error_code").has_value()) << reply.Describe();
  }
  // A local path even with a run whose artifacts are not local.
  EXPECT_API_ERROR(api().Post("model-versions/create",
                              fmt::format(R"({{"name":"{}","source":"/tmp/model","run_id":"{}"}})", name_, run_id)),
                   400, "INVALID_PARAMETER_VALUE");
  ExpectUnchanged("sources");
  // Nothing was copied for the failed registrations.
  Reply storage = api().Get(std::string(kArtifactsPrefix), {{"path", fmt::format("models/{}", name_)}});
  EXPECT_EQ(CanonicalJson(storage.body), "{}") << storage.Describe();
}

TEST_F(RegistryBadInputTest, SearchArguments) {
  for (const char* filter : {"name = ", "nonsense", "name = 'a' OR name = 'b'", "tags.k > 'v'",
                             "metrics.acc > 1", "name LIKE"}) {
    SCOPED_TRACE(filter);
    EXPECT_API_ERROR(api().Get("registered-models/search", {{"filter", filter}}), 400, "INVALID_PARAMETER_VALUE");
  }
  EXPECT_API_ERROR(api().Get("model-versions/search", {{"filter", "version_number = 'abc'"}}), 400,
                   "INVALID_PARAMETER_VALUE");
  for (const char* max : {"0", "-1", "1001", "abc"}) {
    SCOPED_TRACE(max);
    EXPECT_API_ERROR(api().Get("registered-models/search", {{"max_results", max}}), 400, "INVALID_PARAMETER_VALUE");
  }
  EXPECT_API_ERROR(api().Get("model-versions/search", {{"max_results", "200001"}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("registered-models/search", {{"page_token", "garbage!!"}}), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("registered-models/search", {{"order_by", "nonsense DESC"}}), 400,
                   "INVALID_PARAMETER_VALUE");
}

TEST_F(RegistryBadInputTest, LoggedModelsAndCairnEndpoints) {
  std::string missing = "m-" + std::string(32, '0');
  EXPECT_API_ERROR(api().Get("logged-models/" + missing), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(Patch("logged-models/" + missing, R"({"status":"LOGGED_MODEL_READY"})"), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("logged-models", "{}"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("logged-models", R"({"experiment_id":"987654"})"), 404, "RESOURCE_DOES_NOT_EXIST");
  std::string experiment = CreateExperiment("lm-bad");
  Reply created = api().Post("logged-models", fmt::format(R"({{"experiment_id":"{}"}})", experiment));
  ASSERT_OK_JSON(created);
  std::string id = created.json().Str("/model/info/model_id").value_or("");
  EXPECT_FALSE(created.json().Str("/model/info/name").value_or("").empty());  // a generated name
  EXPECT_API_ERROR(Patch("logged-models/" + id, R"({"status":"DONE"})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(Patch("logged-models/" + id, "{}"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("logged-models/" + id + "/artifacts/directories", {{"artifact_directory_path", "../x"}}),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("logged-models/" + id + "/no-such-thing"), 404, "ENDPOINT_NOT_FOUND");
  EXPECT_API_ERROR(api().Post("logged-models/search", R"({"experiment_ids":["1"],"max_results":0})"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(api().Get("logged-models/" + id).json().Str("/model/info/status"), "LOGGED_MODEL_PENDING");

  const std::string lineage = std::string(kCairnPrefix) + "/models/lineage";
  EXPECT_API_ERROR(api().Get(lineage, {{"name", name_}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get(lineage, {{"name", name_}, {"version", "1"}, {"alias", "champion"}}), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get(lineage, {{"name", name_}, {"version", "abc"}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get(lineage, {{"name", name_}, {"version", "42"}}), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Get(lineage, {{"name", name_}, {"alias", "nobody"}}), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Get(lineage, {{"version", "1"}}), 400, "INVALID_PARAMETER_VALUE");
  // A version without a known run still has lineage, with a warning.
  Reply no_run = api().Get(lineage, {{"name", name_}, {"version", "1"}});
  ASSERT_OK_JSON(no_run);
  EXPECT_FALSE(no_run.json().Has("/run"));
  EXPECT_API_ERROR(api().Get(std::string(kCairnPrefix) + "/registry/audit", {{"max_results", "0"}}), 400,
                   "INVALID_PARAMETER_VALUE");
  ExpectUnchanged("logged models and cairn endpoints");
}

}  // namespace
}  // namespace cairn::integration

#include "registry/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace cairn::registry {
namespace {

using ::testing::HasSubstr;

std::string ErrorOf(const Status& status) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  return status.message();
}
template <typename T>
std::string ErrorOf(const Result<T>& result) {
  EXPECT_FALSE(result.ok());
  return result.ok() ? "" : ErrorOf(result.error());
}

TEST(RegistryValidationTest, ModelName) {
  EXPECT_TRUE(ValidateModelName("m").ok());
  EXPECT_TRUE(ValidateModelName("team/model with spaces.v2").ok());  // MLflow only requires non-empty
  EXPECT_EQ(ErrorOf(ValidateModelName("")), "Missing value for required parameter 'name'.");
  EXPECT_EQ(ErrorOf(ValidateModelName("", "new_name")), "Missing value for required parameter 'new_name'.");
}

TEST(RegistryValidationTest, TagKeyRules) {
  EXPECT_TRUE(ValidateRegistryTag({"mlflow.prompt.is_prompt", "true"}).ok());
  EXPECT_TRUE(ValidateRegistryTag({"a/b c:d-e_f", ""}).ok());
  EXPECT_TRUE(ValidateRegistryTag({std::string(250, 'k'), "v"}).ok());
  EXPECT_FALSE(ValidateRegistryTag({std::string(251, 'k'), "v"}).ok());
  EXPECT_THAT(ErrorOf(ValidateRegistryTag({"", "v"})), HasSubstr("Missing value"));
  EXPECT_THAT(ErrorOf(ValidateRegistryTag({"bad$key", "v"})), HasSubstr("Names may only contain"));
  EXPECT_THAT(ErrorOf(ValidateRegistryTag({"../up", "v"})), HasSubstr("must not resolve"));
  EXPECT_THAT(ErrorOf(ValidateRegistryTagKey("/abs")), HasSubstr("must not resolve"));
}

TEST(RegistryValidationTest, TagValueLimitCountsCharacters) {
  EXPECT_TRUE(ValidateRegistryTag({"k", std::string(100000, 'x')}).ok());
  EXPECT_EQ(ErrorOf(ValidateRegistryTag({"k", std::string(100001, 'x')})),
            "'value' exceeds the maximum length of 100000 characters");
  // 100 000 two-byte characters are 200 000 bytes but within the limit.
  std::string wide;
  for (int i = 0; i < 100000; ++i) wide += "\xC3\xA9";
  EXPECT_TRUE(ValidateRegistryTag({"k", wide}).ok());
}

TEST(RegistryValidationTest, Description) {
  EXPECT_TRUE(ValidateDescription("").ok());
  EXPECT_TRUE(ValidateDescription(std::string(kMaxDescriptionLength, 'd')).ok());
  EXPECT_EQ(ErrorOf(ValidateDescription(std::string(kMaxDescriptionLength + 1, 'd'))),
            "'description' exceeds the maximum length of 100000 characters");
}

TEST(RegistryValidationTest, AliasAccepted) {
  for (const char* alias : {"champion", "a", "A-b_c-9", "v", "v1a", "vx1", "latest2", "late", "_", "-", "modèle",
                            "模型", "V-1"}) {
    EXPECT_TRUE(ValidateAlias(alias).ok()) << alias << ": " << ValidateAlias(alias).ToString();
  }
  EXPECT_TRUE(ValidateAlias(std::string(255, 'a')).ok());
}

TEST(RegistryValidationTest, AliasRejected) {
  EXPECT_EQ(ErrorOf(ValidateAlias("")), "Registered model alias name cannot be empty.");
  for (const char* alias : {"has space", "dot.ted", "slash/ed", "quote'", "semi;colon", "tab\t", "nul\x01",
                            "nbsp\xC2\xA0", "zero\xE2\x80\x8Bwidth", "bad\xFF", "trunc\xC3"}) {
    EXPECT_THAT(ErrorOf(ValidateAlias(alias)), HasSubstr("Invalid alias name")) << alias;
  }
  EXPECT_EQ(ErrorOf(ValidateAlias(std::string(256, 'a'))),
            "'Registered model alias name' exceeds the maximum length of 255 characters");
  for (const char* alias : {"latest", "LATEST", "LaTeSt"}) {
    EXPECT_EQ(ErrorOf(ValidateAlias(alias)), "'latest' alias name (case insensitive) is reserved.");
  }
  EXPECT_EQ(ErrorOf(ValidateAlias("v1")), "Version alias name 'v1' is reserved.");
  EXPECT_EQ(ErrorOf(ValidateAlias("V42")), "Version alias name 'V42' is reserved.");
  EXPECT_TRUE(ValidateAlias("v").ok());  // no digits: not a version alias
}

TEST(RegistryValidationTest, ParseVersion) {
  EXPECT_EQ(*ParseVersion("1"), 1);
  EXPECT_EQ(*ParseVersion("42"), 42);
  EXPECT_EQ(*ParseVersion("007"), 7);
  EXPECT_EQ(*ParseVersion("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ErrorOf(ParseVersion("abc")), "Parameter 'version' must be an integer, got 'abc'.");
  EXPECT_EQ(ErrorOf(ParseVersion("")), "Parameter 'version' must be an integer, got ''.");
  for (const char* bad : {"1.5", "1e3", " 1", "1 ", "0x1", "9223372036854775808", "1_000", "+", "-"}) {
    EXPECT_THAT(ErrorOf(ParseVersion(bad)), HasSubstr("must be an integer")) << bad;
  }
  EXPECT_EQ(ErrorOf(ParseVersion("0")), "Parameter 'version' must be a positive integer, got '0'.");
  EXPECT_THAT(ErrorOf(ParseVersion("-3")), HasSubstr("positive integer"));
  EXPECT_THAT(ErrorOf(ParseVersion("x", "version_number")), HasSubstr("'version_number'"));
  // Hostile input is echoed only in part.
  EXPECT_LT(ErrorOf(ParseVersion(std::string(100000, 'z'))).size(), 400u);
}

TEST(RegistryValidationTest, Stages) {
  EXPECT_EQ(*ParseStageArgument("production"), Stage::kProduction);
  EXPECT_EQ(*ParseStageArgument("STAGING"), Stage::kStaging);
  EXPECT_EQ(*ParseStageArgument("None"), Stage::kNone);
  EXPECT_EQ(*ParseStageArgument("archived"), Stage::kArchived);
  EXPECT_THAT(ErrorOf(ParseStageArgument("Deleted_Internal")), HasSubstr("Invalid Model Version stage"));
  EXPECT_THAT(ErrorOf(ParseStageArgument("")), HasSubstr("Invalid Model Version stage"));
  EXPECT_TRUE(ValidateArchiveExisting(Stage::kProduction, true).ok());
  EXPECT_TRUE(ValidateArchiveExisting(Stage::kStaging, true).ok());
  EXPECT_TRUE(ValidateArchiveExisting(Stage::kArchived, false).ok());
  EXPECT_THAT(ErrorOf(ValidateArchiveExisting(Stage::kArchived, true)), HasSubstr("not an Active stage"));
  EXPECT_THAT(ErrorOf(ValidateArchiveExisting(Stage::kNone, true)), HasSubstr("'None'"));
}

TEST(RegistryValidationTest, ModelVersionSource) {
  for (const char* ok : {"runs:/abc/model", "models:/m/1", "mlflow-artifacts:/1/abc/artifacts/model",
                         "s3://bucket/a..b/model", "/abs/path/model", "file:///tmp/x"}) {
    EXPECT_TRUE(ValidateModelVersionSource(ok).ok()) << ok;
  }
  EXPECT_THAT(ErrorOf(ValidateModelVersionSource("")), HasSubstr("'source'"));
  for (const char* bad : {"s3://bucket/../etc", "runs:/abc/../../x", "..", "a\\..\\b", "s3://b/%2E%2E/x",
                          "s3://b/%252E%252E/x"}) {
    EXPECT_THAT(ErrorOf(ValidateModelVersionSource(bad)), HasSubstr("'..'")) << bad;
  }
}

TEST(RegistryValidationTest, LoggedModelStatus) {
  EXPECT_EQ(*ParseLoggedModelStatusArgument("LOGGED_MODEL_READY"), LoggedModelStatus::kReady);
  EXPECT_EQ(*ParseLoggedModelStatusArgument("READY"), LoggedModelStatus::kReady);
  EXPECT_EQ(*ParseLoggedModelStatusArgument("UPLOAD_FAILED"), LoggedModelStatus::kUploadFailed);
  EXPECT_EQ(*ParseLoggedModelStatusArgument("LOGGED_MODEL_PENDING"), LoggedModelStatus::kPending);
  EXPECT_THAT(ErrorOf(ParseLoggedModelStatusArgument("DONE")), HasSubstr("Invalid logged model status"));
}

TEST(RegistryValidationTest, SearchMaxResults) {
  EXPECT_TRUE(ValidateSearchMaxResults(1, kMaxSearchRegisteredModels).ok());
  EXPECT_TRUE(ValidateSearchMaxResults(1000, kMaxSearchRegisteredModels).ok());
  EXPECT_EQ(ErrorOf(ValidateSearchMaxResults(1001, kMaxSearchRegisteredModels)),
            "Invalid value for request parameter max_results. It must be at most 1000, but got value 1001");
  EXPECT_THAT(ErrorOf(ValidateSearchMaxResults(0, kMaxSearchModelVersions)), HasSubstr("positive integer"));
  EXPECT_THAT(ErrorOf(ValidateSearchMaxResults(-5, kMaxSearchModelVersions)), HasSubstr("positive integer"));
  EXPECT_TRUE(ValidateSearchMaxResults(200000, kMaxSearchModelVersions).ok());
  EXPECT_EQ(kDefaultSearchRegisteredModels, 100);
  EXPECT_EQ(kDefaultSearchModelVersions, 10000);
  EXPECT_EQ(kDefaultSearchLoggedModels, 50);
}

}  // namespace
}  // namespace cairn::registry

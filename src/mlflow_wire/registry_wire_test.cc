#include <gtest/gtest.h>

#include "mlflow_wire/registry_decode.h"
#include "mlflow_wire/registry_encode.h"

namespace cairn::mlflow_wire {
namespace {

using registry::ModelVersion;

registry::ModelVersion SampleVersion() {
  ModelVersion v;
  v.name = "iris";
  v.version = 12;
  v.creation_timestamp = 100;
  v.last_updated_timestamp = 200;
  v.user_id = "ana";
  v.current_stage = registry::Stage::kProduction;
  v.description = "d";
  v.source = "runs:/abc/model";
  v.storage_location = "mlflow-artifacts:/models/iris/u";  // not on the wire
  v.run_id = "abc";
  v.status = registry::ModelVersionStatus::kReady;
  v.tags = {{"k", "v"}};
  v.run_link = "http://x";
  v.aliases = {"champion", "prod"};
  v.model_id = "m-1";
  return v;
}

TEST(RegistryWireTest, ModelVersionRoundTripsWithStringVersion) {
  JsonWriter w;
  WriteModelVersion(w, SampleVersion());
  std::string text = w.str();
  EXPECT_NE(text.find(R"("version":"12")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("aliases":["champion","prod"])"), std::string::npos) << text;
  EXPECT_EQ(text.find("storage_location"), std::string::npos) << text;
  auto doc = JsonDocument::ParseObject(text);
  ASSERT_TRUE(doc.ok());
  auto back = ReadModelVersion(doc->root());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ModelVersion expected = SampleVersion();
  expected.storage_location.clear();
  EXPECT_EQ(back->name, expected.name);
  EXPECT_EQ(back->version, 12);
  EXPECT_EQ(back->current_stage, registry::Stage::kProduction);
  EXPECT_EQ(back->tags, expected.tags);
  EXPECT_EQ(back->aliases, expected.aliases);
  EXPECT_EQ(back->run_link, expected.run_link);
  EXPECT_EQ(back->model_id, expected.model_id);
  EXPECT_EQ(back->user_id, "ana");
}

TEST(RegistryWireTest, EmptyFieldsAreOmitted) {
  ModelVersion v;
  v.name = "m";
  v.version = 1;
  JsonWriter w;
  WriteModelVersion(w, v);
  EXPECT_EQ(w.str(), R"({"name":"m","version":"1","current_stage":"None","status":"READY"})");
}

TEST(RegistryWireTest, RegisteredModelAliasesCarryStringVersions) {
  registry::RegisteredModel m;
  m.name = "iris";
  m.creation_timestamp = 5;
  m.aliases = {{"champion", 3}};
  m.latest_versions = {SampleVersion()};
  JsonWriter w;
  WriteRegisteredModel(w, m);
  std::string text = w.str();
  EXPECT_NE(text.find(R"("aliases":[{"alias":"champion","version":"3"}])"), std::string::npos) << text;
  auto doc = JsonDocument::ParseObject(text);
  ASSERT_TRUE(doc.ok());
  auto back = ReadRegisteredModel(doc->root());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->aliases.size(), 1u);
  EXPECT_EQ(back->aliases[0].version, 3);
  ASSERT_EQ(back->latest_versions.size(), 1u);
  EXPECT_EQ(back->latest_versions[0].version, 12);
}

TEST(RegistryWireTest, LoggedModelHasInfoAndData) {
  registry::LoggedModel m;
  m.model_id = "m-abc";
  m.experiment_id = "1";
  m.name = "clf";
  m.artifact_location = "mlflow-artifacts:/1/models/m-abc/artifacts";
  m.status = registry::LoggedModelStatus::kReady;
  m.params = {{"lr", "0.1"}};
  m.tags = {{"t", "1"}};
  JsonWriter w;
  WriteLoggedModel(w, m);
  std::string text = w.str();
  EXPECT_NE(text.find(R"("artifact_uri":"mlflow-artifacts:/1/models/m-abc/artifacts")"), std::string::npos);
  EXPECT_NE(text.find(R"("data":{"params":[{"key":"lr","value":"0.1"}]})"), std::string::npos) << text;
  auto doc = JsonDocument::ParseObject(text);
  ASSERT_TRUE(doc.ok());
  auto back = ReadLoggedModel(doc->root());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->status, registry::LoggedModelStatus::kReady);
  EXPECT_EQ(back->params, m.params);
  EXPECT_EQ(back->tags, m.tags);
  EXPECT_EQ(back->artifact_location, m.artifact_location);
}

TEST(RegistryWireTest, AuditDetailsAreANestedObject) {
  registry::AuditEvent e;
  e.id = 7;
  e.timestamp = 9;
  e.actor = "bob";
  e.action = "set_alias";
  e.model_name = "iris";
  e.version = "2";
  e.details = R"({"alias":"champion","n":[1,2.5,true,null]})";
  JsonWriter w;
  w.StartObject().Key("events").StartArray();
  WriteAuditEvent(w, e);
  w.EndArray().EndObject();
  std::string text = w.str();
  EXPECT_NE(text.find(R"("details":{"alias":"champion","n":[1,2.5,true,null]})"), std::string::npos) << text;
  auto events = ReadAuditEvents(text);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].details, e.details);
  EXPECT_EQ((*events)[0].version, "2");
  EXPECT_EQ((*events)[0].actor, "bob");

  e.details = "not json";
  JsonWriter w2;
  WriteAuditEvent(w2, e);
  EXPECT_NE(w2.str().find(R"("details":"not json")"), std::string::npos);
}

TEST(RegistryWireTest, DecodingRejectsBadTypes) {
  auto doc = JsonDocument::ParseObject(R"({"name":"m","version":"abc"})");
  ASSERT_TRUE(doc.ok());
  EXPECT_FALSE(ReadModelVersion(doc->root()).ok());
  auto stage = JsonDocument::ParseObject(R"({"name":"m","version":"1","current_stage":"Deployed"})");
  EXPECT_FALSE(ReadModelVersion(stage->root()).ok());
  auto status = JsonDocument::ParseObject(R"({"info":{"model_id":"m-1","status":"DONE"}})");
  EXPECT_FALSE(ReadLoggedModel(status->root()).ok());
}

}  // namespace
}  // namespace cairn::mlflow_wire

// Placeholder template and structured placeholder parsing; Value JSON.
#include "pipelines/spec/placeholder.h"

#include <gtest/gtest.h>

#include "pipelines/spec/value.h"

namespace cairn::pipelines {
namespace {

Placeholder Only(std::string_view text) {
  StringTemplate t = ParseStringTemplate(text);
  EXPECT_EQ(t.parts.size(), 1u) << text;
  const auto* p = t.parts.empty() ? nullptr : std::get_if<Placeholder>(&t.parts[0]);
  EXPECT_NE(p, nullptr) << text;
  return p ? *p : Placeholder{};
}

TEST(PlaceholderTest, Kinds) {
  EXPECT_EQ(Only("{{$}}").kind, PlaceholderKind::kExecutorInput);
  Placeholder p = Only("{{$.inputs.parameters['x']}}");
  EXPECT_EQ(p.kind, PlaceholderKind::kInputParameter);
  EXPECT_EQ(p.name, "x");
  EXPECT_EQ(Only("{{$.inputs.parameters[\"pipelinechannel--a-b\"]}}").name, "pipelinechannel--a-b");
  EXPECT_EQ(Only("{{$.inputs.artifacts['d'].path}}").kind, PlaceholderKind::kInputArtifactPath);
  EXPECT_EQ(Only("{{$.inputs.artifacts['d'].uri}}").kind, PlaceholderKind::kInputArtifactUri);
  EXPECT_EQ(Only("{{$.inputs.artifacts['d'].metadata}}").kind, PlaceholderKind::kInputArtifactMetadata);
  p = Only("{{$.inputs.artifacts['d'].metadata['acc']}}");
  EXPECT_EQ(p.kind, PlaceholderKind::kInputArtifactMetadata);
  EXPECT_EQ(p.key, "acc");
  EXPECT_EQ(Only("{{$.outputs.parameters['o'].output_file}}").kind, PlaceholderKind::kOutputParameterFile);
  EXPECT_EQ(Only("{{$.outputs.artifacts['m'].path}}").kind, PlaceholderKind::kOutputArtifactPath);
  EXPECT_EQ(Only("{{$.outputs.artifacts['m'].uri}}").kind, PlaceholderKind::kOutputArtifactUri);
  EXPECT_EQ(Only("{{$.outputs.artifacts['m'].metadata}}").kind, PlaceholderKind::kOutputArtifactMetadata);
  EXPECT_EQ(Only("{{$.outputs.output_file}}").kind, PlaceholderKind::kOutputFile);
  EXPECT_EQ(Only("{{$.pipeline_job_name}}").kind, PlaceholderKind::kPipelineJobName);
  EXPECT_EQ(Only("{{$.pipeline_job_resource_name}}").kind, PlaceholderKind::kPipelineJobResourceName);
  EXPECT_EQ(Only("{{$.pipeline_job_uuid}}").kind, PlaceholderKind::kPipelineJobUuid);
  EXPECT_EQ(Only("{{$.pipeline_task_name}}").kind, PlaceholderKind::kPipelineTaskName);
  EXPECT_EQ(Only("{{$.pipeline_task_uuid}}").kind, PlaceholderKind::kPipelineTaskUuid);
  EXPECT_EQ(Only("{{$.pipeline_root}}").kind, PlaceholderKind::kPipelineRoot);
  EXPECT_EQ(Only("{{$.pipeline_job_create_time_utc}}").kind, PlaceholderKind::kPipelineJobCreateTime);
  EXPECT_EQ(Only("{{$.pipeline_job_schedule_time_utc}}").kind, PlaceholderKind::kPipelineJobScheduleTime);
  EXPECT_EQ(Only("{{$.workspace_path}}").kind, PlaceholderKind::kWorkspacePath);
  for (const char* bad : {"{{$.inputs.parameters}}", "{{$.inputs.parameters['x'].json_escape[0]}}",
                          "{{$.outputs.parameters['x']}}", "{{$.inputs.artifacts['x'].size}}", "{{$.nope}}",
                          "{{$.inputs.parameters['x}}"}) {
    EXPECT_EQ(Only(bad).kind, PlaceholderKind::kUnknown) << bad;
  }
}

TEST(PlaceholderTest, MixedText) {
  StringTemplate t = ParseStringTemplate("--a={{$.inputs.parameters['a']}}-{{$.pipeline_job_name}}!");
  ASSERT_EQ(t.parts.size(), 5u);
  EXPECT_EQ(std::get<std::string>(t.parts[0]), "--a=");
  EXPECT_EQ(std::get<std::string>(t.parts[4]), "!");
  EXPECT_TRUE(t.has_placeholders());
  EXPECT_FALSE(ParseStringTemplate("{{ not kfp }} {{$ unterminated").has_placeholders());
  EXPECT_EQ(ParseStringTemplate("plain").raw, "plain");
}

TEST(PlaceholderTest, StructuredNodes) {
  auto n = ParseArgNode(R"({"IfPresent": {"InputName": "x", "Then": ["--x", "{{$.inputs.parameters['x']}}"], "Else": ["--none"]}})");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->kind, ArgNode::Kind::kIfPresent);
  EXPECT_EQ(n->input_name, "x");
  EXPECT_EQ(n->then_args.size(), 2u);
  EXPECT_EQ(n->else_args.size(), 1u);

  auto c = ParseArgNode(R"({"Concat": ["a", {"IfPresent": {"InputName": "y", "Then": "b"}}, "{\"Concat\": [\"c\"]}"]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->kind, ArgNode::Kind::kConcat);
  ASSERT_EQ(c->items.size(), 3u);
  EXPECT_EQ(c->items[1].kind, ArgNode::Kind::kIfPresent);
  EXPECT_EQ(c->items[2].kind, ArgNode::Kind::kConcat);

  std::vector<const Placeholder*> found;
  CollectPlaceholders(*n, found);
  EXPECT_EQ(found.size(), 1u);

  // Other JSON stays a plain argument.
  auto plain = ParseArgNode(R"({"key": "value"})");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->kind, ArgNode::Kind::kText);
  auto not_json = ParseArgNode(R"({"Concat": broken)");
  ASSERT_TRUE(not_json.ok());
  EXPECT_EQ(not_json->kind, ArgNode::Kind::kText);

  for (const char* bad : {R"({"Concat": "x"})", R"({"IfPresent": {"InputName": 3}})",
                          R"({"IfPresent": {"InputName": "x", "Extra": 1}})", R"({"IfPresent": {"InputName": "x", "Then": [{"Bogus": 1}]}})"}) {
    EXPECT_FALSE(ParseArgNode(bad).ok()) << bad;
  }
}

TEST(ValueTest, JsonRoundTrip) {
  auto v = Value::ParseJson(R"({"a": [1, 2.5, "x", true, null], "b": {"c": -3}, "big": 18446744073709551615})");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->Find("a")->as_list()[0].is_int());
  EXPECT_TRUE(v->Find("a")->as_list()[1].is_double());
  EXPECT_TRUE(v->Find("big")->is_double());
  EXPECT_EQ(v->Find("b")->Find("c")->as_int(), -3);
  auto again = Value::ParseJson(v->ToJson());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *v);
  EXPECT_EQ(Value::String("q\"\\\n\x01").ToJson(), "\"q\\\"\\\\\\n\\u0001\"");
  EXPECT_FALSE(Value::ParseJson(R"({"a": 1, "a": 2})").ok());
  EXPECT_FALSE(Value::ParseJson("[1,").ok());
  EXPECT_FALSE(Value::ParseJson(std::string(500, '[') + std::string(500, ']')).ok());
  EXPECT_EQ(Value::Int(2), Value::Double(2.0));
  EXPECT_FALSE(Value::String("2") == Value::Int(2));
}

}  // namespace
}  // namespace cairn::pipelines

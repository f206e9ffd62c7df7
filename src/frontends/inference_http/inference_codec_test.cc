// Unit tests of the inference wire codecs: every OIP datatype parses from
// JSON and writes back unchanged, type and range errors are rejected, and
// the V1 / MLflow payload shapes map to tensors as documented.
#include <gtest/gtest.h>

#include "frontends/inference_http/oip_codec.h"
#include "frontends/inference_http/tabular_codec.h"

namespace cairn::frontends {
namespace {

using serving::DataType;

std::string Request(std::string_view datatype, std::string_view shape, std::string_view data) {
  return "{\"inputs\":[{\"name\":\"t\",\"datatype\":\"" + std::string(datatype) + "\",\"shape\":" + std::string(shape) +
         ",\"data\":" + std::string(data) + "}]}";
}

// Parses one input and writes it back as an OIP response output.
std::string RoundTrip(std::string_view datatype, std::string_view shape, std::string_view data) {
  auto request = ParseOipInferRequest(Request(datatype, shape, data));
  if (!request.ok()) return "error: " + request.error().message();
  serving::InferenceResponse response;
  response.model_name = "m";
  response.model_version = "1";
  response.id = "x";
  response.outputs = std::move(request->inputs);
  std::string json = OipInferResponseJson(response);
  size_t at = json.find("\"data\":");
  return json.substr(at + 7, json.size() - at - 7 - 3);
}

TEST(OipCodecTest, EveryDatatypeRoundTrips) {
  EXPECT_EQ(RoundTrip("BOOL", "[3]", "[true,false,true]"), "[true,false,true]");
  EXPECT_EQ(RoundTrip("UINT8", "[2]", "[0,255]"), "[0,255]");
  EXPECT_EQ(RoundTrip("UINT16", "[2]", "[0,65535]"), "[0,65535]");
  EXPECT_EQ(RoundTrip("UINT32", "[2]", "[0,4294967295]"), "[0,4294967295]");
  EXPECT_EQ(RoundTrip("UINT64", "[2]", "[0,9007199254740993]"), "[0,9007199254740993]");
  EXPECT_EQ(RoundTrip("INT8", "[2]", "[-128,127]"), "[-128,127]");
  EXPECT_EQ(RoundTrip("INT16", "[2]", "[-32768,32767]"), "[-32768,32767]");
  EXPECT_EQ(RoundTrip("INT32", "[2]", "[-2147483648,2147483647]"), "[-2147483648,2147483647]");
  EXPECT_EQ(RoundTrip("INT64", "[2]", "[-9223372036854775808,9223372036854775807]"),
            "[-9223372036854775808,9223372036854775807]");
  EXPECT_EQ(RoundTrip("FP16", "[3]", "[1.5,-2.0,0.25]"), "[1.5,-2.0,0.25]");
  EXPECT_EQ(RoundTrip("BF16", "[2]", "[1.5,-2.0]"), "[1.5,-2.0]");
  EXPECT_EQ(RoundTrip("FP32", "[2,2]", "[[0.5,1.0],[2.0,\"NaN\"]]"), "[0.5,1.0,2.0,\"NaN\"]");
  EXPECT_EQ(RoundTrip("FP64", "[2]", "[0.1,\"-Infinity\"]"), "[0.1,\"-Infinity\"]");
  EXPECT_EQ(RoundTrip("BYTES", "[2]", "[\"a\",\"\\u00e9\"]"), "[\"a\",\"é\"]");
}

TEST(OipCodecTest, TypeAndRangeErrorsAreRejected) {
  for (auto [type, data] : std::vector<std::pair<std::string, std::string>>{
           {"BOOL", "[1]"}, {"UINT8", "[256]"}, {"UINT8", "[-1]"}, {"INT8", "[128]"}, {"INT32", "[2147483648]"},
           {"INT64", "[1.5]"}, {"UINT64", "[-1]"}, {"FP32", "[\"x\"]"}, {"FP32", "[true]"}, {"BYTES", "[1]"},
           {"FP32", "[null]"}, {"FP32", "[{}]"}}) {
    auto r = ParseOipInferRequest(Request(type, "[1]", data));
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << type << " " << data;
  }
  EXPECT_FALSE(ParseOipInferRequest(Request("FP32", "[2,2]", "[1,2,3]")).ok());
  EXPECT_FALSE(ParseOipInferRequest(Request("FP32", "[-2]", "[1,2]")).ok());
  EXPECT_FALSE(ParseOipInferRequest(Request("FP32", "[\"2\"]", "[1,2]")).ok());
  EXPECT_FALSE(ParseOipInferRequest(R"({"inputs":[{"name":"t","datatype":"FP32","shape":[1]}]})").ok());
  EXPECT_FALSE(ParseOipInferRequest(R"({"id":5,"inputs":[{"name":"t","datatype":"FP32","shape":[1],"data":[1]}]})").ok());
}

TEST(OipCodecTest, IdParametersAndOutputsAreRead) {
  auto r = ParseOipInferRequest(
      R"({"id":"a","parameters":{"k":1},"inputs":[{"name":"t","datatype":"FP32","shape":[1],"data":[1]}],"outputs":[{"name":"o"}]})");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->id, "a");
  EXPECT_EQ(r->parameters_json, R"({"k":1})");
  EXPECT_EQ(r->outputs, std::vector<std::string>{"o"});
}

TEST(TabularCodecTest, PayloadsMapToTheModelsInputs) {
  serving::ModelMetadata model;
  model.inputs = {{"x", DataType::kFp64, {-1, 2}}};
  model.feature_names = {"a", "b"};
  auto split = ParseInvocationsRequest(R"({"dataframe_split":{"columns":["b","a"],"data":[[1,2],[3,4]]}})", model);
  ASSERT_TRUE(split.ok()) << split.error().ToString();
  EXPECT_EQ(split->inputs[0].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(split->inputs[0].AsDouble(0), 2);  // a of row 0
  EXPECT_EQ(split->inputs[0].AsDouble(1), 1);
  auto records = ParseInvocationsRequest(R"({"dataframe_records":[{"a":5,"b":6}]})", model);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->inputs[0].AsDouble(1), 6);
  auto v1 = ParseV1PredictRequest(R"({"instances":[[1,2],[3,4],[5,6]]})", model);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->inputs[0].shape, (std::vector<int64_t>{3, 2}));
  EXPECT_FALSE(ParseInvocationsRequest(R"({"dataframe_records":[{"a":5}]})", model).ok());
  EXPECT_FALSE(ParseV1PredictRequest(R"({"instances":[[1,2],[3]]})", model).ok());
  EXPECT_FALSE(ParseInvocationsRequest(R"({})", model).ok());
  auto csv = ParseInvocationsCsv("b,a\r\n1,2\r\n3,4\r\n", model);
  ASSERT_TRUE(csv.ok()) << csv.error().ToString();
  EXPECT_EQ(csv->inputs[0].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(csv->inputs[0].AsDouble(0), 2);
  EXPECT_EQ(csv->inputs[0].AsDouble(3), 3);
  EXPECT_FALSE(ParseInvocationsCsv("a,b\n1,x\n", model).ok());
  EXPECT_FALSE(ParseInvocationsCsv("", model).ok());
}

}  // namespace
}  // namespace cairn::frontends

// CEL subset: parsing, evaluation, KFP condition shapes, and errors.
#include "pipelines/spec/cel.h"

#include <gtest/gtest.h>

namespace cairn::pipelines::cel {
namespace {

Result<Value> Eval(std::string_view text, const Activation& a = {}) {
  CAIRN_ASSIGN_OR_RETURN(auto e, Parse(text));
  return Evaluate(*e, a);
}

bool True(std::string_view text, const Activation& a = {}) {
  auto v = Eval(text, a);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status().ToString();
  return v.ok() && v->is_bool() && v->as_bool();
}

std::string ErrorOf(std::string_view text, const Activation& a = {}) {
  auto v = Eval(text, a);
  EXPECT_FALSE(v.ok()) << text;
  return v.ok() ? "" : v.status().message();
}

TEST(CelTest, LiteralsAndOperators) {
  EXPECT_TRUE(True("1 == 1"));
  EXPECT_TRUE(True("1 != 2"));
  EXPECT_TRUE(True("1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3"));
  EXPECT_TRUE(True("1 == 1.0"));
  EXPECT_TRUE(True("'a' < 'b'"));
  EXPECT_TRUE(True("\"x\\\"y\" == 'x\"y'"));
  EXPECT_TRUE(True("!false"));
  EXPECT_TRUE(True("false || true"));
  EXPECT_TRUE(True("-3 < -2"));
  EXPECT_TRUE(True("1.5e2 == 150"));
  EXPECT_TRUE(True("null == null"));
  EXPECT_TRUE(True("'1' != 1"));  // different kinds are unequal, not an error
}

TEST(CelTest, ShortCircuit) {
  EXPECT_TRUE(True("true || nope == 1"));
  EXPECT_FALSE(True("false && nope == 1"));
}

TEST(CelTest, Casts) {
  EXPECT_TRUE(True("int('42') == 42"));
  EXPECT_TRUE(True("int(3.9) == 3"));
  EXPECT_TRUE(True("int('3.0') == 3"));
  EXPECT_TRUE(True("double('0.5') == 0.5"));
  EXPECT_TRUE(True("string(5) == '5'"));
  EXPECT_TRUE(True("string(true) == 'true'"));
  EXPECT_TRUE(True("bool('true')"));
  EXPECT_TRUE(True("size('abc') == 3"));
  EXPECT_TRUE(True("parseJson('{\"a\": [1, 2]}')['a'][1] == 2"));
  EXPECT_NE(ErrorOf("int('x')").find("int()"), std::string::npos);
  EXPECT_NE(ErrorOf("double(true)").find("double()"), std::string::npos);
}

TEST(CelTest, KfpConditions) {
  auto a = KfpConditionActivation({{"pipelinechannel--flip-coin-Output", Value::String("heads")},
                                   {"pipelinechannel--n", Value::Int(6000)},
                                   {"pipelinechannel--s", Value::String("123")},
                                   {"pipelinechannel--b", Value::Bool(true)}});
  EXPECT_TRUE(True("inputs.parameter_values['pipelinechannel--flip-coin-Output'] == 'heads'", a));
  EXPECT_TRUE(True("inputs.parameters['pipelinechannel--flip-coin-Output'].parameter_value == 'heads'", a));
  EXPECT_TRUE(True("int(inputs.parameter_values['pipelinechannel--n']) > 5000", a));
  EXPECT_TRUE(True("int(inputs.parameter_values['pipelinechannel--s']) <= 5000", a));
  EXPECT_TRUE(True("inputs.parameter_values['pipelinechannel--b'] == true", a));
  EXPECT_TRUE(True("!(inputs.parameter_values['pipelinechannel--flip-coin-Output'] == 'tails') && "
                   "inputs.parameter_values['pipelinechannel--flip-coin-Output'] == 'heads'",
                   a));
  auto e = Parse("int(inputs.parameter_values['x']) < 5 && inputs.parameters['y'].parameter_value == 'a'");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(ReferencedInputParameters(**e), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(ReferencedIdentifiers(**e), (std::vector<std::string>{"inputs"}));
}

TEST(CelTest, RuntimeErrorsAreValues) {
  auto a = KfpConditionActivation({{"x", Value::String("a")}});
  EXPECT_NE(ErrorOf("inputs.parameter_values['missing'] == 1", a).find("missing"), std::string::npos);
  EXPECT_NE(ErrorOf("nope == 1").find("unknown identifier"), std::string::npos);
  EXPECT_NE(ErrorOf("'a' < 1").find("cannot compare"), std::string::npos);
  EXPECT_NE(ErrorOf("!'a'").find("needs a bool"), std::string::npos);
  EXPECT_NE(ErrorOf("1 && true").find("needs bools"), std::string::npos);
  auto e = Parse("1 + 1 == 2");
  EXPECT_FALSE(e.ok());
  auto nonbool = Parse("'a'");
  ASSERT_TRUE(nonbool.ok());
  EXPECT_FALSE(EvaluateCondition(**nonbool, {}).ok());
}

TEST(CelTest, ParseErrors) {
  for (const char* bad : {"", "(", "1 ==", "a[", "'unterminated", "1 == 2 == 3", "a ? b : c", "foo(1)",
                          "int(1, 2)", "a.", "1 # 2", "'\\q'"}) {
    auto e = Parse(bad);
    EXPECT_FALSE(e.ok()) << bad;
    if (!e.ok()) EXPECT_NE(e.status().message().find("column"), std::string::npos) << e.status().message();
  }
}

TEST(CelTest, DepthAndLengthLimits) {
  std::string deep(10000, '(');
  deep += "1";
  deep += std::string(10000, ')');
  EXPECT_FALSE(Parse(deep).ok());
  std::string nots(5000, '!');
  EXPECT_FALSE(Parse(nots + "true").ok());
  EXPECT_FALSE(Parse(std::string(kMaxExpressionLength + 1, '1')).ok());
  // Long flat chains are fine.
  std::string chain = "true";
  for (int i = 0; i < 500; ++i) chain += " && true";
  EXPECT_TRUE(True(chain));
}

TEST(CelTest, ToStringRoundTrips) {
  auto e = Parse("!(inputs.parameter_values['a'] == 'x') && int(b[0]) >= -1");
  ASSERT_TRUE(e.ok());
  const std::string text = ToString(**e);
  auto again = Parse(text);
  ASSERT_TRUE(again.ok()) << text;
  EXPECT_EQ(ToString(**again), text);
}

}  // namespace
}  // namespace cairn::pipelines::cel

// CEL subset used by KFP trigger conditions and parameter expression
// selectors, plus cairn `when:` expressions.
//
// Grammar (precedence low to high):
//   expr    := or ('?' expr ':' expr)?      -- ternary not supported: error
//   or      := and ('||' and)*
//   and     := cmp ('&&' cmp)*
//   cmp     := unary (('=='|'!='|'<'|'<='|'>'|'>=') unary)?
//   unary   := ('!' | '-') unary | postfix
//   postfix := primary ('[' expr ']' | '.' ident)*
//   primary := literal | ident | ident '(' args ')' | '(' expr ')'
// Literals: strings ('..' or ".." with \-escapes), integers, doubles, true,
// false, null. Functions: int(), double(), string(), bool(), parseJson(),
// size(). Identifiers resolve through the Activation: `inputs` (with
// .parameter_values['x'] and .parameters['x'].parameter_value), or any other
// name the caller binds (e.g. `string_value` for selectors, `params` /
// `steps` for cairn).
// Limits: input length kMaxExpressionLength, nesting kMaxExpressionDepth.
// Thread-compatible; an Expr is immutable after Parse.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "pipelines/spec/value.h"

namespace cairn::pipelines::cel {

inline constexpr size_t kMaxExpressionLength = 16 * 1024;
inline constexpr int kMaxExpressionDepth = 64;

struct Expr {
  enum class Kind { kLiteral, kIdent, kUnary, kBinary, kCall, kIndex, kMember };
  Kind kind = Kind::kLiteral;
  Value literal;                              // kLiteral
  std::string name;                           // kIdent name, kCall function, kMember field, op text
  std::vector<std::shared_ptr<const Expr>> args;  // operands / call args / [object, index]
};
using ExprPtr = std::shared_ptr<const Expr>;

// Parses `text`; kInvalidArgument with the column of the problem.
Result<ExprPtr> Parse(std::string_view text);

// Unparses (normalised spacing), for messages and round-trip tests.
std::string ToString(const Expr& expr);

// Names an expression reads: for `inputs.parameter_values['x']` and
// `inputs.parameters['x'].parameter_value` that is the input name "x".
std::vector<std::string> ReferencedInputParameters(const Expr& expr);
// Top-level identifiers used (e.g. "inputs", "params").
std::vector<std::string> ReferencedIdentifiers(const Expr& expr);

// Variable bindings for evaluation: top-level identifiers to values.
// KFP conditions bind "inputs" to a struct built by KfpConditionActivation.
using Activation = std::map<std::string, Value, std::less<>>;

// Builds {"inputs": {"parameter_values": {...}, "parameters": {k:
// {"parameter_value": v}}}} from a task's resolved input parameters.
Activation KfpConditionActivation(const std::vector<std::pair<std::string, Value>>& input_parameters);

// Evaluates; errors (kInvalidArgument) for unknown identifiers, missing keys,
// type mismatches, bad casts. Comparisons between int and double are numeric;
// == between different kinds is false (never an error).
Result<Value> Evaluate(const Expr& expr, const Activation& activation);
// Evaluates and requires a bool result.
Result<bool> EvaluateCondition(const Expr& expr, const Activation& activation);

}  // namespace cairn::pipelines::cel

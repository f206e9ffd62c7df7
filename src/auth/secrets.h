// Cryptographic helpers for secrets: random bytes from the kernel CSPRNG
// (getrandom), SHA-256 (OpenSSL libcrypto), constant-time comparison, and the
// access-token format. Thread-safe, pure functions (RandomBytes reads the
// kernel's pool).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace cairn::auth {

// `n` bytes from getrandom(2). kInternal if the kernel refuses (never
// silently weaker randomness).
Result<std::string> RandomBytes(size_t n);
// RandomBytes encoded as unpadded base64url (URL-, header- and cookie-safe).
Result<std::string> RandomToken(size_t n_bytes);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Compares without an early exit, so the time taken does not reveal how many
// leading bytes matched (lengths are not secret).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Access tokens look like "cairn_<kind>_<id>_<secret>": kind "pat" (personal)
// or "task" (pipeline task / trial), id 16 hex digits (public; names the
// token in lists and revocation), secret 43 base64url characters (256 bits).
// Only SHA-256 of the whole token is stored.
struct TokenParts {
  std::string kind;
  std::string token_id;
};
// Validates the shape only (not whether the token exists). kUnauthenticated
// on anything else.
Result<TokenParts> ParseAccessToken(std::string_view token);
// A new token of `kind` ("pat" or "task").
struct NewToken {
  std::string token;     // shown to the user once
  std::string token_id;  // public id
  std::string hash;      // Sha256Hex(token), what the store keeps
};
Result<NewToken> GenerateAccessToken(std::string_view kind);

}  // namespace cairn::auth

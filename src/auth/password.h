// Password hashing with argon2id (libargon2): a random 16-byte salt per
// password from getrandom, the encoded form ("$argon2id$v=19$m=...,t=...,
// p=...$salt$hash") stored as is, so parameters can be raised later without
// invalidating existing hashes. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace cairn::auth {

struct PasswordHashOptions {
  // RFC 9106's second recommended option is 64 MiB, t=3; 19 MiB / t=2 is
  // OWASP's minimum for argon2id and keeps a login under ~50 ms on one
  // core. Tests lower these to stay fast.
  uint32_t memory_kib = 19 * 1024;
  uint32_t iterations = 2;
  uint32_t parallelism = 1;
};

// kInvalidArgument for an empty password or one over 1024 bytes (a
// megabyte "password" would only burn CPU).
Result<std::string> HashPassword(std::string_view password, const PasswordHashOptions& options = {});

// True when `password` matches `encoded`. A malformed `encoded` is false.
// argon2's verify compares in constant time.
bool VerifyPassword(std::string_view password, const std::string& encoded);

// Rules for new passwords (length 8..1024).
Status ValidateNewPassword(std::string_view password);

}  // namespace cairn::auth

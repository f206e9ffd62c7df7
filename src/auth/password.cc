#include "auth/password.h"

#include <argon2.h>

#include <vector>

#include "auth/secrets.h"

namespace cairn::auth {
namespace {
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr size_t kMaxPasswordBytes = 1024;
}  // namespace

Status ValidateNewPassword(std::string_view password) {
  if (password.size() < 8) return InvalidArgument("The password must have at least 8 characters.");
  if (password.size() > kMaxPasswordBytes) return InvalidArgument("The password must have at most 1024 bytes.");
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password, const PasswordHashOptions& options) {
  if (password.empty()) return InvalidArgument("The password must not be empty.");
  if (password.size() > kMaxPasswordBytes) return InvalidArgument("The password must have at most 1024 bytes.");
  CAIRN_ASSIGN_OR_RETURN(std::string salt, RandomBytes(kSaltBytes));
  size_t encoded_len = argon2_encodedlen(options.iterations, options.memory_kib, options.parallelism, kSaltBytes,
                                         kHashBytes, Argon2_id);
  std::vector<char> encoded(encoded_len);
  int rc = argon2id_hash_encoded(options.iterations, options.memory_kib, options.parallelism, password.data(),
                                 password.size(), salt.data(), salt.size(), kHashBytes, encoded.data(),
                                 encoded.size());
  if (rc != ARGON2_OK) return Internal("Cannot hash the password.", argon2_error_message(rc));
  return std::string(encoded.data());
}

bool VerifyPassword(std::string_view password, const std::string& encoded) {
  if (password.size() > kMaxPasswordBytes || encoded.rfind("$argon2id$", 0) != 0) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace cairn::auth

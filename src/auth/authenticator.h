// Authenticator: turns presented credentials into an Identity, and creates
// the credentials users hold (sessions, personal and task tokens).
//
//  * Basic: argon2id verification. MLflow clients send the password on every
//    request, so a verified (user, password) pair is cached for
//    `basic_cache_ms` under an HMAC-like key (SHA-256 of a per-process random
//    pepper + the pair); the cache is dropped on any password or user change
//    here, and an entry is not used once the stored hash differs from the
//    one it was verified against (a change through another replica).
//  * Bearer: the token's SHA-256 is looked up; expired or revoked tokens are
//    UNAUTHENTICATED.
//  * Session cookie: the cookie value's SHA-256 is looked up; expired
//    sessions are UNAUTHENTICATED.
// Failed Basic/Bearer/login attempts count in the FailedLoginGuard (per user
// and per client address); a locked key gets kResourceExhausted with the
// wait in `retry_after_ms`.
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "auth/auth_store.h"
#include "auth/credentials.h"
#include "auth/identity.h"
#include "auth/password.h"
#include "auth/rate_limiter.h"
#include "auth/secrets.h"
#include "base/clock.h"

namespace cairn::auth {

struct AuthenticatorOptions {
  PasswordHashOptions hashing;
  int64_t basic_cache_ms = 60 * 1000;
  int64_t session_ttl_ms = 12LL * 60 * 60 * 1000;
  // Longest lifetime of a personal access token (requested ones are capped).
  int64_t max_token_ttl_ms = 365LL * 24 * 60 * 60 * 1000;
  int64_t task_token_ttl_ms = 24LL * 60 * 60 * 1000;
};

// An authentication failure, with the wait when the key is locked.
struct AuthFailure {
  Status status;
  int64_t retry_after_ms = 0;
};

class Authenticator {
 public:
  Authenticator(AuthStore& store, const Clock& clock, FailedLoginGuard& guard, AuthenticatorOptions options);

  // `client` is the peer address (for the guard and the audit log).
  // Returns an anonymous Identity when no credentials are presented.
  Result<Identity> Authenticate(const Credentials& credentials, const std::string& session_cookie,
                                const std::string& client, AuthFailure* failure);

  // Username + password check for the login endpoint (same guard).
  Result<User> CheckPassword(const std::string& username, const std::string& password, const std::string& client,
                             AuthFailure* failure);

  struct NewSession {
    std::string cookie_value;
    std::string csrf_token;
    int64_t expires_time;
  };
  Result<NewSession> CreateSession(const User& user);
  Status EndSession(const std::string& session_hash);

  // ttl_ms <= 0: the maximum. `workspace` "" for none.
  Result<std::pair<NewToken, AccessToken>> CreatePersonalToken(const User& user, const std::string& name,
                                                               int64_t ttl_ms, const std::string& workspace);
  Result<std::pair<NewToken, AccessToken>> CreateTaskToken(const User& user, const std::string& experiment_id,
                                                           const std::string& run_id, const std::string& workspace);

  // Forget cached Basic verifications (after a password/user change).
  void InvalidateCache();

  const AuthenticatorOptions& options() const { return options_; }

 private:
  Result<Identity> FromBasic(const Credentials& credentials, const std::string& client, AuthFailure* failure);
  Result<Identity> FromToken(const std::string& token, const std::string& client, AuthFailure* failure);
  Result<Identity> FromSession(const std::string& cookie);
  Status Locked(const std::string& username, const std::string& client, AuthFailure* failure);
  void Failed(const std::string& username, const std::string& client);

  AuthStore& store_;
  const Clock& clock_;
  FailedLoginGuard& guard_;
  const AuthenticatorOptions options_;
  std::string pepper_;
  struct CachedBasic {
    int64_t user_id;
    std::string password_hash;  // the stored hash it was verified against
    int64_t valid_until_ms;
  };
  std::mutex mu_;
  // SHA-256(pepper, user, password) -> the verification.
  std::unordered_map<std::string, CachedBasic> basic_cache_;  // GUARDED_BY(mu_)
};

}  // namespace cairn::auth

#include "auth/authenticator.h"

#include <fmt/format.h>

namespace cairn::auth {
namespace {

Status Unauthenticated(std::string message) { return Status(StatusCode::kUnauthenticated, std::move(message)); }

// One message for unknown users and wrong passwords: do not reveal which.
constexpr char kBadCredentials[] = "Invalid username or password.";

// A dummy hash to verify against for unknown users, so their timing matches
// that of existing ones.
const std::string& DummyHash(const PasswordHashOptions& options) {
  static const std::string* hash = [&] {
    auto h = HashPassword("cairn-dummy-password", options);
    return new std::string(h.ok() ? *h : std::string());
  }();
  return *hash;
}

}  // namespace

Authenticator::Authenticator(AuthStore& store, const Clock& clock, FailedLoginGuard& guard,
                             AuthenticatorOptions options)
    : store_(store), clock_(clock), guard_(guard), options_(options) {
  auto pepper = RandomBytes(32);
  pepper_ = pepper.ok() ? *pepper : std::string();
}

Status Authenticator::Locked(const std::string& username, const std::string& client, AuthFailure* failure) {
  std::optional<int64_t> wait;
  if (!username.empty()) wait = guard_.LockedFor("user:" + username);
  if (!client.empty()) {
    auto by_addr = guard_.LockedFor("addr:" + client);
    if (by_addr && (!wait || *by_addr > *wait)) wait = by_addr;
  }
  if (!wait) return Status::Ok();
  Status s = ResourceExhausted(
      fmt::format("Too many failed login attempts; try again in {} seconds.", (*wait + 999) / 1000));
  if (failure != nullptr) failure->retry_after_ms = *wait;
  return s;
}

void Authenticator::Failed(const std::string& username, const std::string& client) {
  if (!username.empty()) guard_.RecordFailure("user:" + username);
  if (!client.empty()) guard_.RecordFailure("addr:" + client);
}

Result<User> Authenticator::CheckPassword(const std::string& username, const std::string& password,
                                          const std::string& client, AuthFailure* failure) {
  if (Status s = Locked(username, client, failure); !s.ok()) return s;
  auto user = store_.GetUser(username);
  if (!user.ok()) {
    if (user.status().code() != StatusCode::kNotFound) return user.status();
    (void)VerifyPassword(password, DummyHash(options_.hashing));
    Failed(username, client);
    return Unauthenticated(kBadCredentials);
  }
  if (!VerifyPassword(password, user->password_hash)) {
    Failed(username, client);
    return Unauthenticated(kBadCredentials);
  }
  guard_.RecordSuccess("user:" + username);
  return user;
}

Result<Identity> Authenticator::FromBasic(const Credentials& credentials, const std::string& client,
                                          AuthFailure* failure) {
  const int64_t now = clock_.NowMillis();
  const std::string key = Sha256Hex(pepper_ + '\0' + credentials.username + '\0' + credentials.password);
  std::optional<CachedBasic> cached;
  {
    std::lock_guard lock(mu_);
    auto it = basic_cache_.find(key);
    if (it != basic_cache_.end()) {
      if (it->second.valid_until_ms > now) {
        cached = it->second;
      } else {
        basic_cache_.erase(it);
      }
    }
  }
  Identity identity;
  identity.via = Identity::Via::kBasic;
  if (cached) {
    // The user is read anyway (admin flag, limits); a password changed
    // since, through any replica, shows as a different hash.
    auto user = store_.GetUserById(cached->user_id);
    if (user.ok() && user->username == credentials.username && user->password_hash == cached->password_hash) {
      identity.user = std::move(*user);
      return identity;
    }
  }
  CAIRN_ASSIGN_OR_RETURN(identity.user, CheckPassword(credentials.username, credentials.password, client, failure));
  std::lock_guard lock(mu_);
  if (basic_cache_.size() > 10000) basic_cache_.clear();
  basic_cache_[key] = CachedBasic{identity.user.id, identity.user.password_hash, now + options_.basic_cache_ms};
  return identity;
}

Result<Identity> Authenticator::FromToken(const std::string& token, const std::string& client, AuthFailure* failure) {
  if (Status s = Locked("", client, failure); !s.ok()) return s;
  auto parts = ParseAccessToken(token);
  if (!parts.ok()) {
    Failed("", client);
    return parts.status();
  }
  auto stored = store_.FindTokenByHash(Sha256Hex(token));
  if (!stored.ok()) {
    if (stored.status().code() != StatusCode::kNotFound) return stored.status();
    Failed("", client);
    return Unauthenticated("Invalid access token.");
  }
  const int64_t now = clock_.NowMillis();
  if (stored->revoked_time) return Unauthenticated("This access token was revoked.");
  if (stored->expires_time && *stored->expires_time <= now) return Unauthenticated("This access token has expired.");
  Identity identity;
  identity.via = Identity::Via::kToken;
  CAIRN_ASSIGN_OR_RETURN(identity.user, store_.GetUserById(stored->user_id));
  // last_used_time is informational; a failed update must not fail the request.
  if (!stored->last_used_time || now - *stored->last_used_time > 60 * 1000) (void)store_.TouchToken(stored->token_id, now);
  identity.token = std::move(*stored);
  return identity;
}

Result<Identity> Authenticator::FromSession(const std::string& cookie) {
  auto session = store_.FindSession(Sha256Hex(cookie));
  if (!session.ok()) {
    if (session.status().code() != StatusCode::kNotFound) return session.status();
    return Unauthenticated("Your session has ended; log in again.");
  }
  if (session->expires_time <= clock_.NowMillis()) return Unauthenticated("Your session has expired; log in again.");
  Identity identity;
  identity.via = Identity::Via::kSession;
  CAIRN_ASSIGN_OR_RETURN(identity.user, store_.GetUserById(session->user_id));
  identity.csrf_token = session->csrf_token;
  identity.session_hash = session->session_hash;
  return identity;
}

Result<Identity> Authenticator::Authenticate(const Credentials& credentials, const std::string& session_cookie,
                                             const std::string& client, AuthFailure* failure) {
  auto result = [&]() -> Result<Identity> {
    switch (credentials.kind) {
      case Credentials::Kind::kBasic: return FromBasic(credentials, client, failure);
      case Credentials::Kind::kBearer: return FromToken(credentials.token, client, failure);
      case Credentials::Kind::kNone: break;
    }
    if (!session_cookie.empty()) return FromSession(session_cookie);
    return Identity{};
  }();
  // A user deleted while a token or session was live: not found -> 401.
  if (!result.ok() && result.status().code() == StatusCode::kNotFound) {
    return Unauthenticated("The user of these credentials no longer exists.");
  }
  return result;
}

Result<Authenticator::NewSession> Authenticator::CreateSession(const User& user) {
  NewSession out;
  CAIRN_ASSIGN_OR_RETURN(out.cookie_value, RandomToken(32));
  CAIRN_ASSIGN_OR_RETURN(out.csrf_token, RandomToken(32));
  const int64_t now = clock_.NowMillis();
  out.expires_time = now + options_.session_ttl_ms;
  Session session{Sha256Hex(out.cookie_value), user.id, out.csrf_token, now, out.expires_time};
  CAIRN_RETURN_IF_ERROR(store_.CreateSession(session));
  return out;
}

Status Authenticator::EndSession(const std::string& session_hash) { return store_.DeleteSession(session_hash); }

Result<std::pair<NewToken, AccessToken>> Authenticator::CreatePersonalToken(const User& user, const std::string& name,
                                                                            int64_t ttl_ms,
                                                                            const std::string& workspace) {
  if (ttl_ms <= 0 || ttl_ms > options_.max_token_ttl_ms) ttl_ms = options_.max_token_ttl_ms;
  CAIRN_ASSIGN_OR_RETURN(NewToken fresh, GenerateAccessToken("pat"));
  AccessToken token;
  token.token_id = fresh.token_id;
  token.user_id = user.id;
  token.token_hash = fresh.hash;
  token.name = name;
  token.kind = "personal";
  token.workspace = workspace;
  token.created_time = clock_.NowMillis();
  token.expires_time = token.created_time + ttl_ms;
  CAIRN_RETURN_IF_ERROR(store_.CreateToken(token));
  return std::make_pair(std::move(fresh), std::move(token));
}

Result<std::pair<NewToken, AccessToken>> Authenticator::CreateTaskToken(const User& user,
                                                                        const std::string& experiment_id,
                                                                        const std::string& run_id,
                                                                        const std::string& workspace) {
  CAIRN_ASSIGN_OR_RETURN(NewToken fresh, GenerateAccessToken("task"));
  AccessToken token;
  token.token_id = fresh.token_id;
  token.user_id = user.id;
  token.token_hash = fresh.hash;
  token.name = "task " + run_id;
  token.kind = "task";
  token.workspace = workspace;
  token.scope_experiment_id = experiment_id;
  token.scope_run_id = run_id;
  token.created_time = clock_.NowMillis();
  token.expires_time = token.created_time + options_.task_token_ttl_ms;
  CAIRN_RETURN_IF_ERROR(store_.CreateToken(token));
  return std::make_pair(std::move(fresh), std::move(token));
}

void Authenticator::InvalidateCache() {
  std::lock_guard lock(mu_);
  basic_cache_.clear();
}

}  // namespace cairn::auth

#include "server/auth_wiring.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "auth/password.h"
#include "auth/secrets.h"
#include "base/logging.h"
#include "frontends/auth/auth_api.h"
#include "server/task_support.h"

namespace cairn::server {
namespace {

// The built-in user task tokens belong to. It cannot log in (its password is
// random and never stored anywhere but as a hash) and holds no permissions:
// its tokens reach only their own run (auth/authorizer.h).
constexpr char kTaskUser[] = "cairn-task";

auth::AuthenticatorOptions AuthenticatorOptionsFrom(const ServerConfig& config) {
  auth::AuthenticatorOptions options;
  options.session_ttl_ms = config.auth_session_ttl_s * 1000;
  return options;
}

auth::FailedLoginOptions GuardOptionsFrom(const ServerConfig& config) {
  auth::FailedLoginOptions options;
  options.max_failures = config.auth_max_failed_logins;
  options.lockout_ms = config.auth_lockout_s * 1000;
  return options;
}

Result<std::string> ReadPasswordFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(fmt::format("Cannot read --auth-admin-password-file '{}'.", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string password = buffer.str();
  // A trailing newline from `echo ... > file` is not part of the password.
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  return password;
}

}  // namespace

AuthService::AuthService(const ServerConfig& config, auth::AuthStore& store)
    : clock_(CreateSystemClock()),
      store_(store, *clock_, config.auth_cache_ms),
      guard_(*clock_, GuardOptionsFrom(config)),
      authenticator_(store_, *clock_, guard_, AuthenticatorOptionsFrom(config)),
      authorizer_(store_, auth::ParsePermission(config.auth_default_permission).value_or(auth::Permission::kRead)),
      audit_(store_, *clock_),
      limiter_(*clock_),
      shared_limits_(store_, *clock_, &limiter_, guard_),
      secure_cookie_(config.tls_enabled) {
  guard_.Share(&store_);
  limits_.anonymous_max_body_bytes = static_cast<uint64_t>(config.auth_anonymous_max_body_bytes);
  limits_.max_body_bytes = config.max_body_bytes;
  limits_.max_upload_bytes = static_cast<uint64_t>(config.auth_max_upload_bytes);
  limits_.requests_per_second = config.auth_rate_limit;
}

AuthService::~AuthService() {
  {
    std::lock_guard lock(sync_mu_);
    stopping_ = true;
  }
  sync_cv_.notify_all();
  if (sync_thread_.joinable()) sync_thread_.join();
  SetTaskTokenIssuer({});
}

void AuthService::SyncLoop() {
  constexpr auto kPeriod = std::chrono::seconds(1);
  constexpr int kSweepEveryTicks = 10;
  bool was_ok = true;  // log when sharing stops and resumes, not every second
  int tick = 0;
  std::unique_lock lock(sync_mu_);
  while (!sync_cv_.wait_for(lock, kPeriod, [this] { return stopping_; })) {
    lock.unlock();
    if (sweeper_ && tick++ % kSweepEveryTicks == 0) SweepTaskTokens();
    Status s = shared_limits_.Sync();
    if (!s.ok() && was_ok) {
      // Limits then hold per replica until the database answers again.
      CAIRN_LOG(kWarn, "auth", "cannot share rate limits and lockouts through the database: {}", s.ToString());
    } else if (s.ok() && !was_ok) {
      CAIRN_LOG(kInfo, "auth", "sharing rate limits and lockouts through the database again");
    }
    was_ok = s.ok();
    lock.lock();
  }
}

void AuthService::SweepTaskTokens() {
  auto revoked = sweeper_->Sweep();
  if (!revoked.ok()) {
    CAIRN_LOG(kWarn, "auth", "cannot revoke the tokens of ended tasks: {}", revoked.status().ToString());
  } else if (*revoked > 0) {
    CAIRN_LOG(kInfo, "auth", "revoked {} task token(s) whose task had ended", *revoked);
  }
}

Result<std::unique_ptr<AuthService>> AuthService::Create(const ServerConfig& config, auth::AuthStore& store) {
  if (!auth::ParsePermission(config.auth_default_permission)) {
    return InvalidArgument(fmt::format("--auth-default-permission '{}' is not one of READ, EDIT, MANAGE, NO_PERMISSIONS.",
                                       config.auth_default_permission));
  }
  std::unique_ptr<AuthService> service(new AuthService(config, store));
  CAIRN_RETURN_IF_ERROR(service->Bootstrap(config));
  AuthService* self = service.get();
  TaskTokenIssuer issuer;
  issuer.mint = [self](const std::string& experiment_id, const std::string& run_id) {
    return self->MintTaskToken(experiment_id, run_id);
  };
  issuer.revoke = [self](const std::string& token_id) {
    return self->store_.RevokeToken(token_id, self->clock_->NowMillis());
  };
  SetTaskTokenIssuer(std::move(issuer));
  return service;
}

Status AuthService::Bootstrap(const ServerConfig& config) {
  std::string password;
  if (!config.auth_admin_password_file.empty()) {
    CAIRN_ASSIGN_OR_RETURN(password, ReadPasswordFile(config.auth_admin_password_file));
  } else if (const char* env = std::getenv("CAIRN_AUTH_ADMIN_PASSWORD"); env != nullptr) {
    password = env;
  }
  // Task processes inherit the server's environment: no credential of the
  // server's may reach them (they get their own task token).
  for (const char* name : {"CAIRN_AUTH_ADMIN_PASSWORD", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD",
                           "MLFLOW_TRACKING_TOKEN"}) {
    unsetenv(name);
  }
  const int64_t now = clock_->NowMillis();
  if (!password.empty()) {
    CAIRN_RETURN_IF_ERROR(auth::ValidateNewPassword(password));
    auto existing = store_.GetUser(config.auth_admin_user);
    if (existing.ok()) {
      // The admin exists: their current password stays (it may have been
      // changed through the API); make sure they are still an admin.
      if (!existing->is_admin) CAIRN_RETURN_IF_ERROR(store_.UpdateAdmin(config.auth_admin_user, true));
      CAIRN_LOG(kInfo, "auth", "admin '{}' exists; its stored password is kept", config.auth_admin_user);
    } else {
      if (existing.status().code() != StatusCode::kNotFound) return existing.status();
      CAIRN_ASSIGN_OR_RETURN(std::string hash, auth::HashPassword(password, authenticator_.options().hashing));
      CAIRN_RETURN_IF_ERROR(store_.CreateUser(config.auth_admin_user, hash, true, now).status());
      audit_.Record("", "", "create initial admin", config.auth_admin_user, "ok");
    }
  } else {
    CAIRN_ASSIGN_OR_RETURN(bool has_admin, store_.HasAdmin());
    if (!has_admin) {
      return FailedPrecondition(
          "--auth needs an initial admin and there is none yet: give its password with "
          "--auth-admin-password-file FILE or the CAIRN_AUTH_ADMIN_PASSWORD environment variable "
          "(and its name with --auth-admin-user, default 'admin'). cairn has no default password.");
    }
  }
  auto task_user = store_.GetUser(kTaskUser);
  if (!task_user.ok()) {
    if (task_user.status().code() != StatusCode::kNotFound) return task_user.status();
    CAIRN_ASSIGN_OR_RETURN(std::string random, auth::RandomToken(32));
    CAIRN_ASSIGN_OR_RETURN(std::string hash, auth::HashPassword(random, authenticator_.options().hashing));
    CAIRN_RETURN_IF_ERROR(store_.CreateUser(kTaskUser, hash, false, now).status());
  }
  return Status::Ok();
}

Result<MintedToken> AuthService::MintTaskToken(const std::string& experiment_id, const std::string& run_id) {
  CAIRN_ASSIGN_OR_RETURN(auth::User user, store_.GetUser(kTaskUser));
  CAIRN_ASSIGN_OR_RETURN(std::string workspace, store_.ResourceWorkspace(auth::ResourceKind::kExperiment, experiment_id));
  CAIRN_ASSIGN_OR_RETURN(auto created, authenticator_.CreateTaskToken(user, experiment_id, run_id, workspace));
  return MintedToken{std::move(created.first.token), std::move(created.first.token_id)};
}

void AuthService::RegisterApi(frontends::Router& router) {
  frontends::AuthApiDeps api;
  api.layer.store = &store_;
  api.layer.authenticator = &authenticator_;
  api.layer.authorizer = &authorizer_;
  api.layer.audit = &audit_;
  api.clock = clock_.get();
  api.secure_cookie = secure_cookie_;
  frontends::RegisterAuthApi(router, api);
}

void AuthService::Install(frontends::Router& router, frontends::AuthLayerDeps resolvers) {
  deps_ = std::move(resolvers);
  deps_.store = &store_;
  deps_.authenticator = &authenticator_;
  deps_.authorizer = &authorizer_;
  deps_.audit = &audit_;
  deps_.request_limiter = &limiter_;
  deps_.limits = limits_;
  if (deps_.tracking != nullptr) {
    run_experiments_ = std::make_unique<frontends::authz::RunExperiments>(*deps_.tracking);
    deps_.run_experiments = run_experiments_.get();
    sweeper_ = std::make_unique<TaskTokenSweeper>(store_, *deps_.tracking, *clock_);
  }
  frontends::InstallAuthLayer(router, deps_);
  sync_thread_ = std::thread([this] { SyncLoop(); });
}

void RegisterAuthOff(frontends::Router& router) { frontends::RegisterAuthDisabledApi(router); }

}  // namespace cairn::server

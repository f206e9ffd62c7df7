// AuthService: the composition of authentication and authorization for
// `cairn server --auth` (docs/auth.md): it bootstraps the first admin,
// registers the user/permission/token/workspace/session API, wraps every
// route in the auth layer, and mints task tokens for pipeline tasks and
// tuning trials. Without --auth, RegisterAuthOff only serves
// /api/2.0/cairn/auth/me = {"user":null,"auth_enabled":false}.
//
// Rate limits and login lockouts are shared with the other replicas on the
// database: a thread syncs them once a second (auth/shared_limits.h), and
// every 10 s revokes the tokens of tasks that have ended
// (task_token_sweeper.h).
//
// Lifecycle: Create (before the pipelines/tuning services: it installs the
// task token minter), RegisterApi, then, after every route is on the
// router, Install (which starts the sync thread; the destructor stops it).
// Thread-safety: thread-safe after Install.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "auth/audit.h"
#include "auth/authenticator.h"
#include "auth/authorizer.h"
#include "auth/caching_auth_store.h"
#include "auth/rate_limiter.h"
#include "auth/shared_limits.h"
#include "frontends/auth/auth_layer.h"
#include "frontends/auth/run_experiments.h"
#include "frontends/http/router.h"
#include "server/server_config.h"
#include "server/task_token_executor.h"
#include "server/task_token_sweeper.h"

namespace cairn::server {

class AuthService {
 public:
  // kFailedPrecondition when there is no admin and none is given: the
  // server must not start without one (there is no default password).
  static Result<std::unique_ptr<AuthService>> Create(const ServerConfig& config, auth::AuthStore& store);
  ~AuthService();

  void RegisterApi(frontends::Router& router);
  // `resolvers` carries the stores and the pipeline/tuning/deployment
  // resolvers (its auth fields are filled here).
  void Install(frontends::Router& router, frontends::AuthLayerDeps resolvers);

 private:
  AuthService(const ServerConfig& config, auth::AuthStore& store);
  Status Bootstrap(const ServerConfig& config);
  Result<MintedToken> MintTaskToken(const std::string& experiment_id, const std::string& run_id);
  void SyncLoop();
  void SweepTaskTokens();

  std::unique_ptr<Clock> clock_;
  // Every auth read and write goes through this (--auth-cache-ms).
  auth::CachingAuthStore store_;
  auth::FailedLoginGuard guard_;
  auth::Authenticator authenticator_;
  auth::Authorizer authorizer_;
  auth::AuditLog audit_;
  auth::RateLimiter limiter_;
  auth::SharedLimits shared_limits_;
  frontends::RequestLimits limits_;
  bool secure_cookie_ = false;
  std::unique_ptr<frontends::authz::RunExperiments> run_experiments_;
  std::unique_ptr<TaskTokenSweeper> sweeper_;  // set by Install
  frontends::AuthLayerDeps deps_;
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  bool stopping_ = false;  // GUARDED_BY(sync_mu_)
  std::thread sync_thread_;
};

// Without --auth.
void RegisterAuthOff(frontends::Router& router);

}  // namespace cairn::server

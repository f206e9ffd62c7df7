#include "frontends/auth/auth_layer.h"

#include <fmt/format.h>

#include <utility>

#include "base/json_writer.h"
#include "base/logging.h"
#include "frontends/auth/access_check.h"
#include "frontends/auth/response_filter.h"
#include "frontends/auth/route_rules.h"
#include "frontends/http/status_mapping.h"

namespace cairn::frontends {
namespace {

using authz::After;
using authz::Rule;
using authz::Target;

thread_local const auth::Identity* current_identity = nullptr;

// Sets the thread's current identity for the duration of a handler call.
class ScopedIdentity {
 public:
  explicit ScopedIdentity(const auth::Identity& identity) : previous_(current_identity) { current_identity = &identity; }
  ~ScopedIdentity() { current_identity = previous_; }
  ScopedIdentity(const ScopedIdentity&) = delete;
  ScopedIdentity& operator=(const ScopedIdentity&) = delete;

 private:
  const auth::Identity* previous_;
};

std::string ErrorJson(std::string_view code, std::string_view message) {
  JsonWriter w;
  w.StartObject().Field("error_code", code).Field("message", message).EndObject();
  return w.str();
}

bool IsStateChanging(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Browsers show their own login dialog for a Basic challenge; the web UI's
// own calls (the /ajax-api prefix and the auth API it uses) get none.
bool WantsChallenge(const HttpRequest& request) {
  return !StartsWith(request.path, "/ajax-api/") && !StartsWith(request.path, "/api/2.0/cairn/auth/");
}

std::string Describe(const HttpRequest& request) {
  return fmt::format("{} {}", request.method, request.path.substr(0, 300));
}

// A per-user limit, else the server's default.
uint64_t LimitBytes(const std::optional<int64_t>& own, uint64_t fallback) {
  return own && *own > 0 ? static_cast<uint64_t>(*own) : fallback;
}

Admission Refuse(HttpResponse response) {
  Admission admission;
  admission.refusal = std::move(response);
  return admission;
}

struct Layer {
  AuthLayerDeps deps;

  // Before the body: who is asking, may they send anything at all, and how
  // much. Sets request.identity when admitted.
  Admission Admit(const Rule& rule, HttpRequest& request) const {
    const RequestLimits& limits = deps.limits;
    Admission anonymous;
    anonymous.max_body_bytes = limits.anonymous_max_body_bytes;
    anonymous.max_upload_bytes = limits.anonymous_max_body_bytes;
    if (rule.target == Target::kPublic) return anonymous;
    const bool optional = rule.target == Target::kOptional || rule.target == Target::kSelf;

    auto credentials = auth::ParseAuthorization(request.authorization);
    if (!credentials.ok()) {
      deps.audit->Record("", request.peer, "authenticate", Describe(request), "failed", credentials.status().message());
      return Refuse(UnauthenticatedResponse(credentials.status().message(), WantsChallenge(request)));
    }
    std::string cookie = auth::CookieValue(request.cookie, auth::kSessionCookie);
    auth::AuthFailure failure;
    auto identity = deps.authenticator->Authenticate(*credentials, cookie, request.peer, &failure);
    if (!identity.ok() && optional && credentials->kind == auth::Credentials::Kind::kNone) {
      // A stale cookie must not keep the login page from working.
      identity = auth::Identity{};
    }
    if (!identity.ok()) {
      const Status& s = identity.status();
      std::string who = credentials->kind == auth::Credentials::Kind::kBasic ? credentials->username : std::string();
      if (s.code() == StatusCode::kResourceExhausted) {
        deps.audit->Record(who, request.peer, "authenticate", Describe(request), "denied", "locked out");
        return Refuse(TooManyRequestsResponse(s.message(), failure.retry_after_ms));
      }
      if (s.code() != StatusCode::kUnauthenticated) return Refuse(ErrorResponse(s));
      deps.audit->Record(who, request.peer, "authenticate", Describe(request), "failed", s.message());
      return Refuse(UnauthenticatedResponse(s.message(), WantsChallenge(request)));
    }
    auto id = std::make_shared<const auth::Identity>(std::move(*identity));
    if (!id->authenticated() && !optional) {
      return Refuse(UnauthenticatedResponse(
          "Authentication required: log in, or send Basic credentials or a bearer token.", WantsChallenge(request)));
    }
    if (deps.request_limiter != nullptr) {
      const bool known = id->authenticated();
      double per_s = known ? id->user.limits.requests_per_second.value_or(limits.requests_per_second)
                           : limits.requests_per_second;
      std::string key = known ? "user:" + id->user.username : "addr:" + request.peer;
      if (auto wait = deps.request_limiter->Acquire(key, auth::RateFor(per_s))) {
        return Refuse(TooManyRequestsResponse("Too many requests; slow down.", *wait));
      }
    }
    Admission admitted = anonymous;
    if (id->authenticated()) {
      admitted.max_body_bytes = LimitBytes(id->user.limits.max_request_bytes, limits.max_body_bytes);
      admitted.max_upload_bytes = LimitBytes(id->user.limits.max_upload_bytes, limits.max_upload_bytes);
    }
    request.identity = std::move(id);
    return admitted;
  }

  // After the body: CSRF, authorization by the route's rule, the handler,
  // and the rule's follow-up (grants, filtering).
  HttpResponse Handle(const Route& route, const Rule& rule, const Handler& inner, HttpRequest& request) const {
    if (rule.target == Target::kPublic) return inner(request);
    if (request.identity == nullptr) {
      // Not admitted by the listener (a direct call): admit here.
      Admission admission = Admit(rule, request);
      if (admission.refusal) return std::move(*admission.refusal);
    }
    const auth::Identity& id = *request.identity;
    // Logging in again over a live session needs no token: SameSite=Strict
    // already keeps other sites from sending the cookie.
    const bool is_login = request.path.size() >= 17 && request.path.compare(request.path.size() - 17, 17, "/cairn/auth/login") == 0;
    if (id.via == auth::Identity::Via::kSession && IsStateChanging(request.method) && !is_login &&
        !auth::ConstantTimeEquals(request.csrf_token, id.csrf_token)) {
      deps.audit->Record(id.user.username, request.peer, Describe(request), "", "denied", "CSRF token missing or invalid");
      return PermissionDeniedResponse("CSRF token missing or invalid");
    }

    authz::AccessCheck check(deps, id, request);
    Status allowed = check.Check(route, rule);
    if (!allowed.ok()) {
      if (allowed.code() == StatusCode::kPermissionDenied) {
        deps.audit->Record(id.user.username, request.peer, Describe(request), check.target(), "denied",
                           allowed.message());
        return PermissionDeniedResponse(allowed.message());
      }
      if (allowed.code() == StatusCode::kUnauthenticated) {
        return UnauthenticatedResponse(allowed.message(), WantsChallenge(request));
      }
      return ErrorResponse(allowed);
    }

    HttpResponse response;
    {
      ScopedIdentity scope(id);
      response = inner(request);
    }
    if (response.status >= 200 && response.status < 300 && rule.after != After::kNone) {
      authz::ApplyAfter(deps, id, check, rule.after, request, response);
    }
    return response;
  }
};

// The route's rule; routes without one are admin-only.
Rule RuleFor(const Route& route) {
  std::optional<Rule> rule = authz::FindRule(route.method, route.path, route.prefix);
  if (!rule) {
    CAIRN_LOG(kDebug, "auth", "no authorization rule for {} {}: admin only", route.method, route.path);
    rule = Rule{Target::kAdmin};
  }
  return *rule;
}

}  // namespace

const auth::Identity& CurrentIdentity() {
  static const auth::Identity anonymous;
  return current_identity != nullptr ? *current_identity : anonymous;
}

HttpResponse UnauthenticatedResponse(const std::string& message, bool challenge) {
  HttpResponse r = HttpResponse::Json(ErrorJson("UNAUTHENTICATED", message), 401);
  if (challenge) r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"cairn\"");
  return r;
}

HttpResponse PermissionDeniedResponse(const std::string& message) {
  return HttpResponse::Json(ErrorJson("PERMISSION_DENIED", message), 403);
}

HttpResponse TooManyRequestsResponse(const std::string& message, int64_t retry_after_ms) {
  HttpResponse r = HttpResponse::Json(ErrorJson("REQUEST_LIMIT_EXCEEDED", message), 429);
  r.headers.emplace_back("Retry-After", std::to_string(std::max<int64_t>(1, (retry_after_ms + 999) / 1000)));
  return r;
}

void InstallAuthLayer(Router& router, const AuthLayerDeps& deps) {
  auto layer = std::make_shared<const Layer>(Layer{deps});
  // The dashboard's files and single-page-app routes load without a login
  // (the login page is one of them); their data comes from guarded APIs.
  // They are admitted as anonymous requests.
  router.SetAdmitters([layer](const Route& route, bool fallback) -> Admitter {
    Rule rule = fallback ? Rule{Target::kPublic} : RuleFor(route);
    return [layer, rule](HttpRequest& request) { return layer->Admit(rule, request); };
  });
  router.WrapHandlers([layer](const Route& route, bool fallback) -> Handler {
    if (fallback) return route.handler;
    return [layer, route_copy = Route{route.method, route.path, route.prefix, route.streams_request_body, {}},
            rule = RuleFor(route), inner = route.handler](HttpRequest& request) {
      return layer->Handle(route_copy, rule, inner, request);
    };
  });
}

}  // namespace cairn::frontends

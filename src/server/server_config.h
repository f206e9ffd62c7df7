// ServerConfig: every setting of `cairn server`, declared once. Each field's
// flag, environment variable, default and help text live in AddServerFlags,
// which is the only place configuration is read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "base/status.h"

namespace cairn::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  // 0 picks a free port (tests); the bound port is printed on start.
  int port = 5000;
  std::string backend_store_uri = "sqlite:///./cairn-data/cairn.db";
  // Root of the proxied artifact store (mlflow-artifacts:/ URIs).
  std::string artifacts_destination = "./cairn-data/artifacts";
  // Where new experiments put artifacts; empty: "mlflow-artifacts:" when
  // serving artifacts, else the destination as a file:// URI.
  std::string default_artifact_root;
  bool serve_artifacts = true;
  // I/O threads; 0 = one per core.
  int workers = 0;
  // Threads that run handlers (store calls block there).
  int handler_threads = 16;
  uint64_t max_body_bytes = 64ull << 20;
  std::string log_level = "info";
  // Tuning: root of trial directories; empty: a "tuning" directory next to
  // the artifacts destination (inside the data dir).
  std::string tuning_root;
  // Kill a trial after this many seconds when its spec sets no timeout;
  // 0 = no limit. The default keeps a hanging trial from holding an
  // experiment forever.
  int64_t tuning_trial_timeout_s = 86400;
  // Trials running at once over all tuning experiments; 0 = no cap beyond
  // each experiment's parallelTrialCount.
  int tuning_parallelism = 0;
  // Resume unfinished tuning experiments on start (off: fail them).
  bool tuning_resume = true;
  // Where trials run: "local", "slurm" or "kubernetes" (as --pipelines-executor).
  std::string tuning_executor = "local";
  // Pipelines: root of run directories and task artifacts; empty: a
  // "pipelines" directory next to the artifacts destination (inside the
  // data dir).
  std::string pipeline_root;
  // Pipeline tasks running at once, over all runs.
  int pipelines_parallelism = 8;
  // The global off switch for the pipeline task cache.
  bool pipelines_disable_cache = false;
  // Kill a pipeline task attempt after this many seconds; 0 = no limit.
  int64_t pipelines_task_timeout_s = 0;
  // Cap per task log stream (stdout, stderr); the rest is discarded.
  int64_t pipelines_max_log_bytes = 64ll << 20;
  // Resume unfinished pipeline runs on start (off: fail them).
  bool pipelines_resume = true;
  // Secrets of pipeline tasks, <dir>/<secret name>/<key>; empty: a
  // "secrets" directory next to the artifacts destination.
  std::string pipelines_secrets_dir;
  // Where pipeline tasks run: "local" (processes on this host) or "slurm"
  // (batch jobs; SLURM_CONF names the cluster).
  std::string pipelines_executor = "local";
  // slurm: sbatch --partition (empty: the default) and extra sbatch options.
  std::string slurm_partition;
  std::vector<std::string> slurm_sbatch_args;
  // kubernetes: the kubeconfig (empty: $KUBECONFIG, the pod's service
  // account, then ~/.kube/config) and its context (empty: current-context);
  // the namespace of task Jobs (empty: the context's, else "default"); the
  // image for steps that name none; the service account task pods run as;
  // "CLAIM:PATH" PVCs mounted into every task pod; ttlSecondsAfterFinished.
  std::string kubeconfig;
  std::string kubernetes_context;
  std::string kubernetes_namespace;
  std::string kubernetes_default_image;
  std::string kubernetes_service_account;
  std::vector<std::string> kubernetes_pvcs;
  int64_t kubernetes_job_ttl_s = 0;
  // How long a task pod's image pull may keep failing before the attempt
  // fails (a pull can recover: a registry hiccup, a slow network).
  int64_t kubernetes_image_pull_grace_s = 120;
  // MLFLOW_TRACKING_URI in task pods (the server's Service URL); empty: the
  // server's own address, as for local tasks.
  std::string kubernetes_tracking_uri;
  // TLS: PEM certificate chain and private key (both or neither). With them
  // the listener speaks only HTTPS (TLS 1.2+).
  std::string tls_cert;
  std::string tls_key;
  // A client that has not finished its TLS handshake by then is dropped,
  // so half-open handshakes cannot pile up.
  int tls_handshake_timeout_s = 10;
  // Proxies and load balancers in front of the server (addresses or CIDR
  // ranges): requests from them are attributed to the client their
  // X-Forwarded-For names (server/client_address.h), for per-address limits,
  // lockouts and the audit log. Empty: the header is ignored.
  std::vector<std::string> trusted_proxies;
  // Authentication and authorization (docs/auth.md); off: the embedded
  // single-user mode, every request allowed.
  bool auth = false;
  // The initial admin, created on the first start with --auth; its password
  // comes from --auth-admin-password-file or CAIRN_AUTH_ADMIN_PASSWORD
  // (never a flag value: command lines are visible to every local user).
  std::string auth_admin_user = "admin";
  std::string auth_admin_password_file;
  // What users get on experiments and models without an explicit
  // permission (MLflow's default_permission).
  std::string auth_default_permission = "READ";
  // Requests per second per user (per address when anonymous); 0: no limit.
  // Users may have their own (users/update-limits).
  double auth_rate_limit = 200;
  // Largest streamed upload per request of a user without their own limit;
  // 0: unlimited. (In-memory bodies: max_body_bytes.)
  int64_t auth_max_upload_bytes = 0;
  // Largest body, in memory or uploaded, of a request without credentials
  // (the login form is far smaller).
  int64_t auth_anonymous_max_body_bytes = 64 * 1024;
  // Failed logins per user / client address before a lockout of
  // auth_lockout_s seconds (doubling on repeat).
  int auth_max_failed_logins = 5;
  int64_t auth_lockout_s = 60;
  int64_t auth_session_ttl_s = 12 * 60 * 60;
  // How long users, tokens, sessions, permissions and workspace roles read
  // from the database are reused (auth/caching_auth_store.h): a change made
  // through another replica shows here within this. 0: read every time.
  int64_t auth_cache_ms = 1000;
  // Derived by ValidateServerConfig (true when --tls-cert is given): the
  // auth code sets the Secure cookie flag from it.
  bool tls_enabled = false;
  // Replicas sharing one database: this server's identity as the owner of
  // pipeline runs and tuning experiments. Keep it stable across restarts of
  // one replica (it takes its runs back at once) and distinct between
  // replicas. Empty: "<hostname>:<port>".
  std::string replica_id;
  // How long a replica's runs and experiments stay its own without a
  // renewal; after that (it died) another replica takes them over.
  int lease_seconds = 30;
};

// Registers the flags (with their environment variables) on `command`.
void AddServerFlags(CLI::App& command, ServerConfig& config);

// Fails fast with a message naming the bad setting; sets the derived
// fields (tls_enabled).
Status ValidateServerConfig(ServerConfig& config);

// --replica-id, or "<hostname>:<port>" with the port as configured (so a
// server restarted with the same flags is the same replica).
std::string EffectiveReplicaId(const ServerConfig& config);

}  // namespace cairn::server

#include "server/server_config.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

#include "base/logging.h"
#include "server/client_address.h"

namespace cairn::server {

void AddServerFlags(CLI::App& command, ServerConfig& c) {
  command.add_option("--host", c.host, "Address to listen on")->envname("CAIRN_HOST")->capture_default_str();
  command.add_option("--port,-p", c.port, "Port to listen on (0: any free port)")
      ->envname("CAIRN_PORT")
      ->capture_default_str();
  command
      .add_option("--backend-store-uri", c.backend_store_uri,
                  "Metadata store: sqlite:///relative/path.db, sqlite:////absolute/path.db, "
                  "postgresql://user[:password]@host[:port]/database")
      ->envname("CAIRN_BACKEND_STORE_URI")
      ->capture_default_str();
  command
      .add_option("--artifacts-destination", c.artifacts_destination,
                  "Directory or s3://bucket/prefix behind the mlflow-artifacts proxy (mlflow-artifacts:/ URIs)")
      ->envname("CAIRN_ARTIFACTS_DESTINATION")
      ->capture_default_str();
  command
      .add_option("--default-artifact-root", c.default_artifact_root,
                  "Artifact location of new experiments (default: mlflow-artifacts: when serving artifacts)")
      ->envname("CAIRN_DEFAULT_ARTIFACT_ROOT");
  command.add_flag("--serve-artifacts,!--no-serve-artifacts", c.serve_artifacts,
                   "Serve the mlflow-artifacts proxy (default on)")
      ->envname("CAIRN_SERVE_ARTIFACTS");
  command.add_option("--workers,-w", c.workers, "I/O threads (0: one per core)")
      ->envname("CAIRN_WORKERS")
      ->capture_default_str();
  command.add_option("--handler-threads", c.handler_threads, "Threads that run request handlers")
      ->envname("CAIRN_HANDLER_THREADS")
      ->capture_default_str();
  command.add_option("--max-body-bytes", c.max_body_bytes, "Largest in-memory request body (uploads are streamed)")
      ->envname("CAIRN_MAX_BODY_BYTES")
      ->capture_default_str();
  command.add_option("--log-level", c.log_level, "debug, info, warn, error or off")
      ->envname("CAIRN_LOG_LEVEL")
      ->capture_default_str();
  command.add_option("--tuning-root", c.tuning_root, "Directory for tuning trial files (default: <artifacts-destination>/../tuning)")
      ->envname("CAIRN_TUNING_ROOT");
  command
      .add_option("--tuning-trial-timeout", c.tuning_trial_timeout_s,
                  "Kill a tuning trial after this many seconds when its spec sets no timeout (0 = no limit)")
      ->envname("CAIRN_TUNING_TRIAL_TIMEOUT")
      ->capture_default_str();
  command.add_option("--tuning-parallelism", c.tuning_parallelism,
                     "Tuning trials running at once over all experiments (0 = only each experiment's "
                     "parallelTrialCount)")
      ->envname("CAIRN_TUNING_PARALLELISM")
      ->capture_default_str();
  command.add_flag("--tuning-resume,!--no-tuning-resume", c.tuning_resume,
                   "Resume unfinished tuning experiments on start (off: fail them)")
      ->envname("CAIRN_TUNING_RESUME");
  command.add_option("--tuning-executor", c.tuning_executor,
                     "Where tuning trials run: local (processes on this host), slurm (sbatch jobs) or "
                     "kubernetes (a Job per trial)")
      ->envname("CAIRN_TUNING_EXECUTOR")
      ->check(CLI::IsMember({"local", "slurm", "kubernetes"}))
      ->capture_default_str();
  command
      .add_option("--pipeline-root", c.pipeline_root,
                  "Directory for pipeline run files and task artifacts (default: <artifacts-destination>/../pipelines)")
      ->envname("CAIRN_PIPELINE_ROOT");
  command.add_option("--pipelines-parallelism", c.pipelines_parallelism, "Pipeline tasks running at once (all runs)")
      ->envname("CAIRN_PIPELINES_PARALLELISM")
      ->capture_default_str();
  command.add_flag("--pipelines-disable-cache", c.pipelines_disable_cache,
                   "Never reuse cached pipeline task results")
      ->envname("CAIRN_PIPELINES_DISABLE_CACHE");
  command.add_option("--pipelines-task-timeout", c.pipelines_task_timeout_s,
                     "Seconds after which a pipeline task attempt is killed (0: no limit)")
      ->envname("CAIRN_PIPELINES_TASK_TIMEOUT")
      ->capture_default_str();
  command.add_option("--pipelines-max-log-bytes", c.pipelines_max_log_bytes,
                     "Cap per pipeline task log stream; the rest is discarded with a note")
      ->envname("CAIRN_PIPELINES_MAX_LOG_BYTES")
      ->capture_default_str();
  command.add_flag("--pipelines-resume,!--no-pipelines-resume", c.pipelines_resume,
                   "Resume unfinished pipeline runs on start (off: fail them)")
      ->envname("CAIRN_PIPELINES_RESUME");
  command
      .add_option("--pipelines-secrets-dir", c.pipelines_secrets_dir,
                  "Secrets for pipeline tasks (secretAsEnv), one file per key: <dir>/<secret>/<key> "
                  "(default: <artifacts-destination>/../secrets)")
      ->envname("CAIRN_PIPELINES_SECRETS_DIR");
  command.add_option("--pipelines-executor", c.pipelines_executor,
                     "Where pipeline tasks run: local (processes on this host), slurm (sbatch jobs) or "
                     "kubernetes (a batch/v1 Job per task attempt)")
      ->envname("CAIRN_PIPELINES_EXECUTOR")
      ->check(CLI::IsMember({"local", "slurm", "kubernetes"}))
      ->capture_default_str();
  command.add_option("--slurm-partition", c.slurm_partition, "sbatch --partition for pipeline tasks")
      ->envname("CAIRN_SLURM_PARTITION");
  command.add_option("--slurm-sbatch-arg", c.slurm_sbatch_args,
                     "An extra sbatch option for pipeline tasks (repeatable), e.g. --slurm-sbatch-arg=--account=ml")
      ->allow_extra_args(false);
  command.add_option("--kubeconfig", c.kubeconfig,
                     "kubeconfig of the cluster the kubernetes executor uses (default: $KUBECONFIG, the pod's "
                     "service account, ~/.kube/config)")
      ->envname("CAIRN_KUBECONFIG");
  command.add_option("--kubernetes-context", c.kubernetes_context, "kubeconfig context (default: current-context)")
      ->envname("CAIRN_KUBERNETES_CONTEXT");
  command.add_option("--kubernetes-namespace", c.kubernetes_namespace,
                     "Namespace of task Jobs (default: the context's namespace, else default)")
      ->envname("CAIRN_KUBERNETES_NAMESPACE");
  command.add_option("--kubernetes-default-image", c.kubernetes_default_image,
                     "Container image for pipeline steps and trials that name none")
      ->envname("CAIRN_KUBERNETES_DEFAULT_IMAGE");
  command.add_option("--kubernetes-service-account", c.kubernetes_service_account,
                     "Service account task pods run as (default: the namespace's default)")
      ->envname("CAIRN_KUBERNETES_SERVICE_ACCOUNT");
  command.add_option("--kubernetes-pvc", c.kubernetes_pvcs,
                     "CLAIM:PATH, a PersistentVolumeClaim mounted at PATH in every task pod (repeatable); mount the "
                     "one holding --pipeline-root at the path the server sees it")
      ->allow_extra_args(false);
  command.add_option("--kubernetes-job-ttl", c.kubernetes_job_ttl_s,
                     "Seconds Kubernetes keeps a finished task Job and its pod log (0: keep them)")
      ->envname("CAIRN_KUBERNETES_JOB_TTL")
      ->capture_default_str();
  command.add_option("--kubernetes-image-pull-grace", c.kubernetes_image_pull_grace_s,
                     "Seconds a task pod's image pull may keep failing (ErrImagePull, ImagePullBackOff) before the "
                     "attempt fails; a bad image name or container config fails it at once")
      ->envname("CAIRN_KUBERNETES_IMAGE_PULL_GRACE")
      ->capture_default_str();
  command.add_option("--kubernetes-tracking-uri", c.kubernetes_tracking_uri,
                     "MLFLOW_TRACKING_URI given to task pods, e.g. the server's Service "
                     "(http://cairn.ml.svc:5000); default: the server's own address")
      ->envname("CAIRN_KUBERNETES_TRACKING_URI");
  command.add_option("--tls-cert", c.tls_cert, "PEM certificate (chain) file: serve HTTPS only (with --tls-key)")
      ->envname("CAIRN_TLS_CERT");
  command.add_option("--tls-key", c.tls_key, "PEM private key file of --tls-cert")->envname("CAIRN_TLS_KEY");
  command.add_option("--tls-handshake-timeout", c.tls_handshake_timeout_s,
                     "Seconds a client may take to finish its TLS handshake")
      ->envname("CAIRN_TLS_HANDSHAKE_TIMEOUT")
      ->capture_default_str();
  command
      .add_option("--trusted-proxies", c.trusted_proxies,
                  "Proxies in front of the server whose X-Forwarded-For names the client (addresses or CIDR ranges, "
                  "comma-separated)")
      ->delimiter(',')
      ->envname("CAIRN_TRUSTED_PROXIES");
  command
      .add_option("--replica-id", c.replica_id,
                  "This replica's owner id for pipeline runs and tuning experiments (default: <hostname>:<port>)")
      ->envname("CAIRN_REPLICA_ID");
  command
      .add_option("--lease-seconds", c.lease_seconds,
                  "Seconds before another replica takes over the runs of one that stopped renewing its leases")
      ->envname("CAIRN_LEASE_SECONDS")
      ->capture_default_str();
  command.add_flag("--auth", c.auth, "Require authentication (users, tokens, permissions; docs/auth.md)")
      ->envname("CAIRN_AUTH");
  command.add_option("--auth-admin-user", c.auth_admin_user, "Name of the initial admin created with --auth")
      ->envname("CAIRN_AUTH_ADMIN_USER")
      ->capture_default_str();
  command.add_option("--auth-admin-password-file", c.auth_admin_password_file,
                     "File with the initial admin's password (or set CAIRN_AUTH_ADMIN_PASSWORD)")
      ->envname("CAIRN_AUTH_ADMIN_PASSWORD_FILE");
  command.add_option("--auth-default-permission", c.auth_default_permission,
                     "Permission users have without an explicit grant: READ, EDIT, MANAGE or NO_PERMISSIONS")
      ->envname("CAIRN_AUTH_DEFAULT_PERMISSION")
      ->check(CLI::IsMember({"READ", "EDIT", "MANAGE", "NO_PERMISSIONS"}))
      ->capture_default_str();
  command.add_option("--auth-rate-limit", c.auth_rate_limit, "Requests per second per user with --auth (0: no limit)")
      ->envname("CAIRN_AUTH_RATE_LIMIT")
      ->capture_default_str();
  command.add_option("--auth-max-upload-bytes", c.auth_max_upload_bytes,
                     "Largest artifact upload per request for users without their own limit (0: no limit)")
      ->envname("CAIRN_AUTH_MAX_UPLOAD_BYTES")
      ->capture_default_str();
  command.add_option("--auth-anonymous-max-body-bytes", c.auth_anonymous_max_body_bytes,
                     "Largest request body without credentials, with --auth")
      ->envname("CAIRN_AUTH_ANONYMOUS_MAX_BODY_BYTES")
      ->capture_default_str();
  command.add_option("--auth-cache-ms", c.auth_cache_ms,
                     "Milliseconds a user, token, session or permission read is reused; changes made through "
                     "another replica show within this (0: read every request)")
      ->envname("CAIRN_AUTH_CACHE_MS")
      ->capture_default_str();
  command.add_option("--auth-max-failed-logins", c.auth_max_failed_logins,
                     "Failed logins per user or client address before a lockout")
      ->envname("CAIRN_AUTH_MAX_FAILED_LOGINS")
      ->capture_default_str();
  command.add_option("--auth-lockout", c.auth_lockout_s, "Seconds of the first lockout after too many failed logins")
      ->envname("CAIRN_AUTH_LOCKOUT")
      ->capture_default_str();
  command.add_option("--auth-session-ttl", c.auth_session_ttl_s, "Seconds a web UI login lasts")
      ->envname("CAIRN_AUTH_SESSION_TTL")
      ->capture_default_str();
}

Status ValidateServerConfig(ServerConfig& c) {
  if (c.port < 0 || c.port > 65535) return InvalidArgument(fmt::format("--port {} is out of range 0..65535", c.port));
  if (c.workers < 0 || c.workers > 256) return InvalidArgument("--workers must be between 0 and 256");
  if (c.handler_threads < 1 || c.handler_threads > 1024) {
    return InvalidArgument("--handler-threads must be between 1 and 1024");
  }
  if (c.artifacts_destination.empty()) return InvalidArgument("--artifacts-destination must not be empty");
  if (c.tuning_trial_timeout_s < 0) return InvalidArgument("--tuning-trial-timeout must be >= 0");
  if (c.tuning_parallelism < 0 || c.tuning_parallelism > 100000) {
    return InvalidArgument("--tuning-parallelism must be between 0 and 100000");
  }
  if (c.pipelines_parallelism < 1 || c.pipelines_parallelism > 100000) {
    return InvalidArgument("--pipelines-parallelism must be between 1 and 100000");
  }
  if (c.pipelines_task_timeout_s < 0) return InvalidArgument("--pipelines-task-timeout must be >= 0");
  if (c.pipelines_max_log_bytes < 1024) return InvalidArgument("--pipelines-max-log-bytes must be >= 1024");
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return InvalidArgument("--tls-cert and --tls-key go together: give both (HTTPS) or neither (plain HTTP)");
  }
  if (c.tls_handshake_timeout_s < 1 || c.tls_handshake_timeout_s > 600) {
    return InvalidArgument("--tls-handshake-timeout must be between 1 and 600 seconds");
  }
  c.tls_enabled = !c.tls_cert.empty();
  if (c.lease_seconds < 1 || c.lease_seconds > 3600) return InvalidArgument("--lease-seconds must be between 1 and 3600");
  if (c.replica_id.size() > 200) return InvalidArgument("--replica-id must be at most 200 characters");
  if (c.auth_rate_limit < 0) return InvalidArgument("--auth-rate-limit must be >= 0");
  CAIRN_RETURN_IF_ERROR(TrustedProxies::Parse(c.trusted_proxies).status());
  if (c.auth_max_upload_bytes < 0) return InvalidArgument("--auth-max-upload-bytes must be >= 0");
  if (c.auth_anonymous_max_body_bytes < 1) return InvalidArgument("--auth-anonymous-max-body-bytes must be >= 1");
  if (c.auth_max_failed_logins < 1) return InvalidArgument("--auth-max-failed-logins must be >= 1");
  if (c.auth_lockout_s < 1) return InvalidArgument("--auth-lockout must be >= 1");
  if (c.auth_session_ttl_s < 60) return InvalidArgument("--auth-session-ttl must be >= 60");
  if (c.auth_cache_ms < 0 || c.auth_cache_ms > 60'000) {
    return InvalidArgument("--auth-cache-ms must be between 0 and 60000");
  }
  LogLevel level;
  if (!ParseLogLevel(c.log_level, &level)) {
    return InvalidArgument(fmt::format("--log-level '{}' is not one of debug, info, warn, error, off", c.log_level));
  }
  return Status::Ok();
}

std::string EffectiveReplicaId(const ServerConfig& c) {
  if (!c.replica_id.empty()) return c.replica_id;
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) std::snprintf(host, sizeof(host), "localhost");
  return fmt::format("{}:{}", host, c.port);
}

}  // namespace cairn::server

// Shared plumbing for the client subcommands (experiments, runs, artifacts):
// the connection flags every leaf command takes, table and JSON output, and
// the one way a command fails (message on stderr, non-zero exit through
// CLI11's RuntimeError, which CLI11_PARSE in main turns into the exit code).
// Not thread-safe: commands run on the main thread.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "client/artifact_client.h"
#include "client/rest_tracking_store.h"
#include "server/client_tls_flags.h"

namespace cairn::cli {

inline constexpr char kDefaultTrackingUri[] = "http://127.0.0.1:5000";

// Flags every client command takes.
struct ClientFlags {
  std::string tracking_uri = kDefaultTrackingUri;  // --tracking-uri, env MLFLOW_TRACKING_URI
  bool json = false;                               // --json
  server::ClientTlsFlags tls;                      // --ca-cert, --insecure-tls
};

// Adds --tracking-uri, --json and the TLS trust flags to `command`, bound
// to *flags.
void AddClientFlags(CLI::App& command, ClientFlags& flags);

// The HTTP options the CLI uses: fewer retries than the library default, so
// an unreachable server fails in about a second; TLS trust from the flags.
client::HttpClientOptions CliHttpOptions(const ClientFlags& flags);
Result<std::unique_ptr<client::RestTrackingStore>> ConnectStore(const ClientFlags& flags);
Result<std::unique_ptr<client::ArtifactClient>> ConnectArtifacts(const ClientFlags& flags);

// Runs `body` as a command's callback: a non-OK Status or an escaping
// exception prints "Error: ..." to stderr and exits with status 1.
void RunCommand(const ClientFlags& flags, const std::function<Status()>& body);

// Left-aligned columns separated by two spaces, one header row.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  void Print(std::FILE* out = stdout) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// "2024-05-01 12:34:56" (UTC) for a millisecond timestamp; "" for 0.
std::string FormatTimeMillis(int64_t ms);
// "1h 02m 03s" style; "" when unknown.
std::string FormatDuration(int64_t ms);
// Prints `json` and a newline to stdout.
void PrintJson(std::string_view json);

// The text of a spec file given on the command line, refused past
// `max_bytes` (the server's own limit for that kind of spec).
Result<std::string> ReadSpecFile(const std::string& path, size_t max_bytes);
// The last path component ("dir/train.yaml" -> "train.yaml").
std::string BaseName(const std::string& path);
// ASCII upper case, for state names typed in any case ("running").
std::string UpperCase(std::string text);

// Registration of the command groups (called by AddClientCommands).
void AddExperimentsCommand(CLI::App& app);
void AddRunsCommand(CLI::App& app);
void AddArtifactsCommand(CLI::App& app);

}  // namespace cairn::cli

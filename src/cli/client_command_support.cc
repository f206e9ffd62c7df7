#include "cli/client_command_support.h"

#include <fmt/format.h>

#include <cctype>
#include <ctime>
#include <fstream>
#include <sstream>
#include <exception>

#include "server/client_credentials.h"

namespace cairn::cli {
namespace {

// Display width in terminal columns, counting UTF-8 code points (good enough
// for names; East Asian wide characters are rare in experiment names).
size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

// Cells stay on one line so columns stay aligned.
std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

std::string Describe(const Status& status, const ClientFlags& flags) {
  if (status.code() == StatusCode::kUnavailable) {
    return fmt::format("cannot reach the tracking server at {} ({})", flags.tracking_uri, status.message());
  }
  return status.message().empty() ? status.ToString() : status.message();
}

}  // namespace

void AddClientFlags(CLI::App& command, ClientFlags& flags) {
  command.add_option("--tracking-uri", flags.tracking_uri, "Tracking server URL")
      ->envname("MLFLOW_TRACKING_URI")
      ->capture_default_str();
  command.add_flag("--json", flags.json, "Print JSON instead of a table");
  server::AddClientTlsFlags(command, flags.tls);
}

client::HttpClientOptions CliHttpOptions(const ClientFlags& flags) {
  client::HttpClientOptions options;
  options.retry.max_attempts = 3;
  server::ApplyClientTlsFlags(flags.tls, options);
  server::ApplyClientCredentials(options);
  return options;
}

Result<std::unique_ptr<client::RestTrackingStore>> ConnectStore(const ClientFlags& flags) {
  return client::RestTrackingStore::Create(flags.tracking_uri, CliHttpOptions(flags));
}

Result<std::unique_ptr<client::ArtifactClient>> ConnectArtifacts(const ClientFlags& flags) {
  return client::ArtifactClient::Create(flags.tracking_uri, CliHttpOptions(flags));
}

void RunCommand(const ClientFlags& flags, const std::function<Status()>& body) {
  Status status;
  try {
    status = body();
  } catch (const std::exception& e) {
    status = Internal(e.what());
  } catch (...) {
    status = Internal("unknown error");
  }
  if (status.ok()) return;
  std::fflush(stdout);
  fmt::print(stderr, "Error: {}\n", Describe(status, flags));
  throw CLI::RuntimeError(1);
}

void Table::Print(std::FILE* out) const {
  std::vector<size_t> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(OneLine(row[i])));
    }
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < widths.size(); ++i) {
      std::string cell = i < row.size() ? OneLine(row[i]) : "";
      line += cell;
      if (i + 1 < widths.size()) line.append(widths[i] - DisplayWidth(cell) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    fmt::print(out, "{}\n", line);
  };
  print_row(header_);
  for (const auto& row : rows_) print_row(row);
}

std::string FormatTimeMillis(int64_t ms) {
  if (ms <= 0) return "";
  std::time_t seconds = std::time_t(ms / 1000);
  std::tm tm{};
  if (gmtime_r(&seconds, &tm) == nullptr) return std::to_string(ms);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M:%S", &tm);
  return buffer;
}

std::string FormatDuration(int64_t ms) {
  if (ms < 0) return "";
  int64_t s = ms / 1000;
  if (s < 60) return fmt::format("{:.1f}s", double(ms) / 1000);
  if (s < 3600) return fmt::format("{}m {:02}s", s / 60, s % 60);
  return fmt::format("{}h {:02}m {:02}s", s / 3600, (s / 60) % 60, s % 60);
}

void PrintJson(std::string_view json) { fmt::print("{}\n", json); }

Result<std::string> ReadSpecFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(fmt::format("Cannot read '{}'.", path));
  std::ostringstream text;
  text << in.rdbuf();
  std::string spec = text.str();
  if (spec.size() > max_bytes) return InvalidArgument(fmt::format("'{}' is larger than {} bytes.", path, max_bytes));
  return spec;
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string UpperCase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace cairn::cli

#include "registry/entities.h"

#include <cctype>

namespace cairn::registry {
namespace {
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}
}  // namespace

std::string_view StageName(Stage stage) {
  switch (stage) {
    case Stage::kNone: return "None";
    case Stage::kStaging: return "Staging";
    case Stage::kProduction: return "Production";
    case Stage::kArchived: return "Archived";
  }
  return "None";
}

std::optional<Stage> ParseStage(std::string_view text) {
  for (Stage s : {Stage::kNone, Stage::kStaging, Stage::kProduction, Stage::kArchived}) {
    if (EqualsIgnoreCase(StageName(s), text)) return s;
  }
  return std::nullopt;
}

std::string_view ModelVersionStatusName(ModelVersionStatus status) {
  switch (status) {
    case ModelVersionStatus::kPendingRegistration: return "PENDING_REGISTRATION";
    case ModelVersionStatus::kFailedRegistration: return "FAILED_REGISTRATION";
    case ModelVersionStatus::kReady: return "READY";
  }
  return "READY";
}

std::string_view LoggedModelStatusName(LoggedModelStatus status) {
  switch (status) {
    case LoggedModelStatus::kPending: return "LOGGED_MODEL_PENDING";
    case LoggedModelStatus::kReady: return "LOGGED_MODEL_READY";
    case LoggedModelStatus::kUploadFailed: return "LOGGED_MODEL_UPLOAD_FAILED";
  }
  return "LOGGED_MODEL_PENDING";
}

std::optional<LoggedModelStatus> ParseLoggedModelStatus(std::string_view text) {
  for (LoggedModelStatus s : {LoggedModelStatus::kPending, LoggedModelStatus::kReady, LoggedModelStatus::kUploadFailed}) {
    if (LoggedModelStatusName(s) == text) return s;
  }
  return std::nullopt;
}

}  // namespace cairn::registry

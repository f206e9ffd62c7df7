#include "server/client_credentials.h"

#include <cstdlib>
#include <string>

#include "base/base64.h"

namespace cairn::server {

void ApplyClientCredentials(client::HttpClientOptions& options) {
  auto env = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value != nullptr ? value : "";
  };
  if (std::string token = env("MLFLOW_TRACKING_TOKEN"); !token.empty()) {
    options.authorization = "Bearer " + token;
  } else if (std::string user = env("MLFLOW_TRACKING_USERNAME"); !user.empty()) {
    options.authorization = "Basic " + Base64Encode(user + ":" + env("MLFLOW_TRACKING_PASSWORD"));
  }
}

}  // namespace cairn::server

// The credentials a cairn process that is a *client* of a cairn server
// (the CLI's client commands, `cairn serve --tracking-uri`) sends to a server
// running --auth, taken from the environment as MLflow's clients take them:
//   MLFLOW_TRACKING_TOKEN                          -> Authorization: Bearer <token>
//   MLFLOW_TRACKING_USERNAME + MLFLOW_TRACKING_PASSWORD -> Authorization: Basic ...
// (the token wins when both are set). Nothing set: no header.
#pragma once

#include "client/curl_http_client.h"

namespace cairn::server {

void ApplyClientCredentials(client::HttpClientOptions& options);

}  // namespace cairn::server

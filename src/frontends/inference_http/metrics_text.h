// Prometheus text exposition (format 0.0.4) of the served models' counters:
// requests, errors, rejections, inferences (rows) and executions (backend
// calls: inferences / executions = mean batch size, as Triton reports),
// queue depth, and histograms of request, queue and compute latency and of
// batch sizes — labelled by deployment and model version.
#pragma once

#include <string>
#include <vector>

#include "serving/model_repository.h"

namespace cairn::frontends {

std::string RenderPrometheusMetrics(const std::vector<serving::Deployment>& deployments);

}  // namespace cairn::frontends

// Set-based loading of what hangs off runs and experiments: one query per
// child table for a whole page (params, tags, latest metrics, dataset inputs
// of every run; tags of every experiment), never one query per row.
//
// Children are sorted by key (inputs: in the order they were logged).
// Errors: kInternal / kUnavailable from the database. Thread-compatible: the caller
// owns `db` for the duration of the call.
#pragma once

#include <vector>

#include "base/status.h"
#include "store/sql/connection.h"
#include "tracking/entities.h"

namespace cairn::store::sql {

// Fills metrics, params, tags and dataset_inputs of each run (whose
// info.run_id is set). Run ids must be distinct.
Status LoadRunChildren(Connection& db, std::vector<tracking::Run>* runs);

// Fills tags of each experiment (whose experiment_id is set).
Status LoadExperimentTags(Connection& db, std::vector<tracking::Experiment>* experiments);

}  // namespace cairn::store::sql

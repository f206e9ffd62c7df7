-- wrk script for workload (b): single log-metric requests, a fresh step each.
-- Usage: RUN_ID=<run id> [AUTHORIZATION="Basic ..."] wrk -t2 -c8 -d5s -s bench/log_metric.lua http://127.0.0.1:PORT
local run_id = os.getenv("RUN_ID")
local headers = {["Content-Type"] = "application/json"}
if os.getenv("AUTHORIZATION") then headers["Authorization"] = os.getenv("AUTHORIZATION") end
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"run_id":"%s","key":"m","value":0.5,"timestamp":%d,"step":%d}',
                             run_id, 1700000000000 + counter, counter)
  return wrk.format("POST", "/api/2.0/mlflow/runs/log-metric", headers, body)
end

-- wrk script: POST /presign for a PUT of a result file, as an annotator's browser would.
wrk.method = "POST"
wrk.body = '{"key":"target/bench-task/dev.json","method":"PUT","content_type":"application/json","size":4096}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("LASSO_TOKEN") or "lasso-dev-token")

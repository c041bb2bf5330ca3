-- POST /api/feedback as many different clients (a random X-Forwarded-For each), so the per-client
-- rate limit counts them apart as it would real people.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"solvesConnectivity":"yes","apiFitsUseCase":"partly","performsAsExpected":"yes","comments":"Reconnected after the train left the tunnel; the subscriber came back in about three seconds.","platform":"android","sdkVersion":"2.15.3"}'

request = function()
  local client = string.format("198.18.%d.%d", math.random(0, 255), math.random(1, 254))
  -- wrk.format takes these headers instead of wrk.headers, so the content type goes here too.
  return wrk.format(nil, nil, { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = client })
end

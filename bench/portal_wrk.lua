-- wrk script for the portal benchmark: each request is the next line of a request list
-- (bench/portal_site.py writes one per page). A line is a path, or a path, a tab and the
-- client address sent as X-Forwarded-For (the site trusts it from 127.0.0.1 only).
-- Arguments after "--": the list's file, then an API token (optional, sent as Bearer).
-- Each thread starts at a different line so threads do not ask the same sequence.
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
end

function init(args)
  requests = {}
  local token = args[2]
  for line in io.lines(args[1]) do
    if line ~= "" then
      local path, address = line:match("^([^\t]+)\t?(.*)$")
      local headers = {}
      if address ~= "" then headers["X-Forwarded-For"] = address end
      if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
      requests[#requests + 1] = wrk.format("GET", path, headers)
    end
  end
  position = (offset or 0) % #requests
end

function request()
  position = position % #requests + 1
  return requests[position]
end

-- wrk script for the range benchmark: each request asks for a random 5-hex prefix, as
-- Pwned Passwords clients do (upper case, as they send it). Seeded per thread so the
-- threads do not ask the same sequence.
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
  padding = args[1] == "padding"
end

function request()
  local path = string.format("/range/%05X", math.random(0, 0xFFFFF))
  if padding then
    return wrk.format("GET", path, { ["Add-Padding"] = "true" })
  end
  return wrk.format("GET", path)
end

-- wrk script for bench/load.py: one tenant's mixed traffic. Run with
--   wrk -s bench/mixed.lua -d SECONDS ... -- DATA_FILE SECONDS
-- DATA_FILE (Lua, written by load.py) sets `key` (this tenant's API key),
-- `own` (ids of its datasets, never deleted) and `foreign` (other tenants'
-- listed datasets). Every request below must succeed: creates are deleted
-- only by the thread that made them, patches touch only `own`, so any
-- status other than the expected one is an unintended error.
--
-- Mix per 100 requests: 50 GET own, 10 GET foreign, 10 list page 1,
-- 5 list next page (cursor), 12 POST, 8 PATCH, 5 DELETE of a created one.

local created = {}     -- ids this thread created and has not deleted yet
-- A cursor is bound to its tenant and filters. Answers do not say which
-- request they answer, so each filter asks for its own page size: a full
-- page's length tells which filter its next_cursor belongs to.
local lists = {{query = "limit=20"}, {query = "limit=21&owner=me"}, {query = "limit=22&owner=others"},
               {query = "limit=23&visibility=listed"}}
local by_size = {[20] = 1, [21] = 2, [22] = 3, [23] = 4}
counts = {}            -- "kind status" -> n (a global: done() reads it through thread:get)
local n = 0

local writes_until  -- the last seconds are reads only: no write is in flight when wrk stops

function init(args)
    dofile(args[1])
    writes_until = os.time() + tonumber(args[2]) - 5
    math.randomseed(os.time() * 100 + id)
end

local function format(method, path, body)
    local headers = {["Authorization"] = "Bearer " .. key}
    if body then headers["Content-Type"] = "application/json" end
    return wrk.format(method, path, headers, body)
end

local function choose()
    local r = math.random(100)
    if os.time() >= writes_until and r > 75 then r = 1 end
    if r <= 50 then
        return format("GET", "/v1/datasets/" .. own[math.random(#own)])
    elseif r <= 60 then
        return format("GET", "/v1/datasets/" .. foreign[math.random(#foreign)])
    elseif r <= 70 then
        return format("GET", "/v1/datasets?" .. lists[math.random(#lists)].query)
    elseif r <= 75 then
        local l = lists[math.random(#lists)]
        if l.cursor then
            local c = l.cursor
            l.cursor = nil
            return format("GET", "/v1/datasets?" .. l.query .. "&cursor=" .. c)
        end
        return format("GET", "/v1/datasets?" .. l.query)
    elseif r <= 87 then
        n = n + 1
        local visibility = (n % 3 == 0) and "listed" or "private"
        return format("POST", "/v1/datasets",
            string.format('{"name":"load %d %d","visibility":"%s","source_modality":"document"}',
                math.random(1000000000), n, visibility))
    elseif r <= 95 then
        return format("PATCH", "/v1/datasets/" .. own[math.random(#own)],
            string.format('{"description":"patched %d"}', math.random(1000000000)))
    elseif #created > 0 then
        return format("DELETE", "/v1/datasets/" .. table.remove(created, 1))
    end
    return format("GET", "/v1/datasets/" .. own[math.random(#own)])
end

function request()
    return choose()
end

function response(status, headers, body)
    -- This thread's connections interleave, so the kind of request is
    -- recovered from the answer.
    local kind
    if status == 201 then
        kind = "create"
        local id = body:match('"dataset_id":"(dset_[0-9a-f]+)"')
        if id then table.insert(created, id) end
    elseif body:find('"datasets":', 1, true) then
        kind = "list"
        local c = body:match('"next_cursor":"([^"]+)"')
        local _, size = body:gsub('"dataset_id":', "")
        if c and by_size[size] then lists[by_size[size]].cursor = c end
    elseif body:find('"data":{}', 1, true) then
        kind = "delete"
    elseif body:find('"dataset_id":', 1, true) then
        kind = "read_or_patch"
    else
        kind = "error"
    end
    local k = kind .. " " .. status
    counts[k] = (counts[k] or 0) + 1
end

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

function done(summary, latency, requests)
    local total = {}
    for _, t in ipairs(threads) do
        for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
    end
    for k, v in pairs(total) do io.write(string.format("COUNT %s %d\n", k, v)) end
    for _, p in ipairs({50, 90, 99, 99.9}) do
        io.write(string.format("PERCENTILE %s %d\n", p, latency:percentile(p)))
    end
    io.write(string.format("MAX %d\n", latency.max))
    io.write(string.format("ERRORS connect=%d read=%d write=%d status=%d timeout=%d\n", summary.errors.connect,
        summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end

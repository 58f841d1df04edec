-- wrk, for the rows bound by the password hasher (bench/servicio.py puts this after the
-- per-thread seeding and before the row's own script, which calls completada() or fallida()).
--
-- Steady state: what was completed after the first CALENTAMIENTO seconds, over the seconds
-- left. From a cold start the first hashes end only after the pipeline has filled (every
-- connection's first requests queued, four hashes sharing two cores), a second's work with no
-- completion to show for it; the hasher alone, measured for comparison, has no such start.
-- done() prints one line: EN_REGIMEN <completed> <seconds> <failed> <p50 ms> <p99 ms>
-- <completed since the start>, the latencies being those the script passed to completada()
-- (0 if none).

local ffi = require("ffi")
ffi.cdef([[
struct timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int clk_id, struct timespec *tp);
]])
local reloj = ffi.new("struct timespec")

function ahora_ms()
  ffi.C.clock_gettime(1, reloj) -- CLOCK_MONOTONIC: one clock for every thread
  return tonumber(reloj.tv_sec) * 1000 + tonumber(reloj.tv_nsec) / 1e6
end

-- Globals, not locals: done() reads them from each thread's state with thread:get.
comienzo, completadas, fallidas, latencias = ahora_ms(), {}, 0, {}

function completada(inicio_ms)
  local fin = ahora_ms()
  completadas[#completadas + 1] = fin
  if inicio_ms then
    latencias[#latencias + 1] = fin - inicio_ms
  end
end

function fallida()
  fallidas = fallidas + 1
end

function done(resumen)
  local inicio = math.huge
  for _, hilo in ipairs(hilos) do
    inicio = math.min(inicio, hilo:get("comienzo"))
  end
  local desde, hasta = inicio + 1000 * CALENTAMIENTO, inicio + resumen.duration / 1000
  local n, desde_el_inicio, fallos, todas = 0, 0, 0, {}
  for _, hilo in ipairs(hilos) do
    for _, fin in ipairs(hilo:get("completadas")) do
      desde_el_inicio = desde_el_inicio + 1
      if fin >= desde then
        n = n + 1
      end
    end
    fallos = fallos + hilo:get("fallidas")
    for _, ms in ipairs(hilo:get("latencias")) do
      todas[#todas + 1] = ms
    end
  end
  table.sort(todas)
  local function percentil(p)
    return #todas > 0 and todas[math.max(1, math.ceil(#todas * p))] or 0
  end
  io.write(string.format("EN_REGIMEN %d %.3f %d %.1f %.1f %d\n", n, (hasta - desde) / 1000,
    fallos, percentil(0.5), percentil(0.99), desde_el_inicio))
end

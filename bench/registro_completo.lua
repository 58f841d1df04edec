-- wrk: the whole registration, as a person does it, for make bench (bench/servicio.py puts
-- the per-thread seeding and bench/en_regimen.lua before it).
--
--   wrk -tN -cN … URL -- CURPS_FILE LIBPQ DATABASE_URL PREFIX N
--
-- One connection per thread, so each thread is one person at a time: it opens the CURP
-- step, finds its CURP, opens step 2, reads the captcha (from the captcha store through
-- libpq: a person reads the image) and creates its account, from a client address of its
-- own behind one trusted proxy, then starts again as the next person, with no cookies.
-- Each thread takes every Nth CURP of the file, each used once. A load generator in C and
-- LuaJIT rather than Python: on this 2-core machine its CPU is taken from the server.

local ffi = require("ffi")
ffi.cdef([[
typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;
PGconn *PQconnectdb(const char *conninfo);
int PQstatus(const PGconn *conn);
char *PQerrorMessage(const PGconn *conn);
PGresult *PQexecParams(PGconn *conn, const char *command, int nParams,
    const unsigned int *paramTypes, const char *const *paramValues,
    const int *paramLengths, const int *paramFormats, int resultFormat);
int PQntuples(const PGresult *res);
char *PQgetvalue(const PGresult *res, int tup_num, int field_num);
void PQclear(PGresult *res);
]])

local CONTRASENA = "Clave+de+prueba+2026"
local pq, conexion, curps, prefijo
local paso, siguiente = 1, 0
local csrf_galleta, sesion, ficha, clave, respuesta, ip, inicio

function preparar(args)
  local hilos_en_total = tonumber(args[5])
  curps = {}
  local n = 0
  for linea in io.lines(args[1]) do
    if n % hilos_en_total == numero - 1 then
      curps[#curps + 1] = linea
    end
    n = n + 1
  end
  pq = ffi.load(args[2])
  conexion = pq.PQconnectdb(args[3])
  if pq.PQstatus(conexion) ~= 0 then
    error(ffi.string(pq.PQerrorMessage(conexion)))
  end
  prefijo = args[4] .. "." .. numero
end

local function galleta(cabeceras, nombre)
  for campo, valor in pairs(cabeceras) do
    if campo:lower() == "set-cookie" then
      local encontrada = valor:match("^" .. nombre .. "=([^;]+)")
      if encontrada then
        return encontrada
      end
    end
  end
end

local function respuesta_captcha(hashkey)
  local valores = ffi.new("const char *[1]", { hashkey })
  local resultado = pq.PQexecParams(
    conexion,
    "SELECT response FROM captcha_captchastore WHERE hashkey = $1",
    1, nil, valores, nil, nil, 0
  )
  local texto = pq.PQntuples(resultado) == 1 and ffi.string(pq.PQgetvalue(resultado, 0, 0))
  pq.PQclear(resultado)
  return texto
end

local function pedir(metodo, ruta, galletas, cuerpo)
  local cabeceras = { Host = wrk.host, ["X-Forwarded-For"] = ip, Cookie = galletas }
  if cuerpo then
    cabeceras["Content-Type"] = "application/x-www-form-urlencoded"
  end
  return wrk.format(metodo, ruta, cabeceras, cuerpo)
end

request = function()
  if paso == 1 then
    ip = math.random(1, 254) .. "." .. math.random(0, 254) .. "." .. math.random(0, 254)
      .. "." .. math.random(1, 254)
    return pedir("GET", "/oficina-virtual/registro/")
  elseif paso == 2 then
    siguiente = siguiente + 1
    return pedir("POST", "/oficina-virtual/registro/", "csrftoken=" .. csrf_galleta,
      "csrfmiddlewaretoken=" .. ficha .. "&curp=" .. curps[siguiente])
  end
  local galletas = "csrftoken=" .. csrf_galleta .. "; sessionid=" .. sesion
  if paso == 3 then
    return pedir("GET", "/oficina-virtual/registro/usuario/", galletas)
  end
  local persona = prefijo .. "." .. siguiente
  inicio = ahora_ms()
  return pedir("POST", "/oficina-virtual/registro/usuario/", galletas,
    "csrfmiddlewaretoken=" .. ficha .. "&username=" .. persona
      .. "&password1=" .. CONTRASENA .. "&password2=" .. CONTRASENA
      .. "&email=" .. persona .. "%40correo.example"
      .. "&captcha_0=" .. clave .. "&captcha_1=" .. respuesta)
end

-- A step that does not answer as it should ends this person's attempt: the next starts over.
response = function(estado, cabeceras, cuerpo)
  local bien
  if paso == 1 then
    csrf_galleta = galleta(cabeceras, "csrftoken")
    ficha = cuerpo:match('name="csrfmiddlewaretoken" value="([^"]+)"')
    bien = estado == 200 and csrf_galleta and ficha
  elseif paso == 2 then
    sesion = galleta(cabeceras, "sessionid")
    bien = estado == 302 and sesion
  elseif paso == 3 then
    clave = cuerpo:match('name="captcha_0" value="(%x+)"')
    ficha = cuerpo:match('name="csrfmiddlewaretoken" value="([^"]+)"')
    respuesta = clave and respuesta_captcha(clave)
    bien = estado == 200 and ficha and respuesta
  else
    bien = estado == 302 and (cabeceras["Location"] or ""):find("usuario-creado", 1, true)
    if bien then
      completada(inicio)
    end
  end
  if bien then
    paso = paso % 4 + 1
  else
    fallida()
    paso = 1
  end
end

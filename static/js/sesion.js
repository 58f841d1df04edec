// The warning a couple of minutes before an idle session ends (templates/base.html). Its
// "Seguir en la sesión" is a plain link that works without this script; with it, the link
// renews the session in the background and the page stays as it is, typed text included.
(function () {
  "use strict";
  var cuerpo = document.body;
  var aviso = document.getElementById("aviso-sesion");
  if (!aviso || !cuerpo.dataset.sesionRestante) return;
  var activa = document.getElementById("aviso-sesion-activa");
  var terminada = document.getElementById("aviso-sesion-terminada");
  var enlace = activa.querySelector("a");
  var avisoAntes = Number(cuerpo.dataset.sesionAviso) * 1000;
  var duracion = Number(cuerpo.dataset.sesionDuracion) * 1000;
  var temporizadores = [];

  function programar(restanteMs) {
    temporizadores.forEach(clearTimeout);
    temporizadores = [
      setTimeout(function () {
        activa.hidden = false;
        terminada.hidden = true;
        aviso.hidden = false;
      }, Math.max(0, restanteMs - avisoAntes)),
      setTimeout(function () {
        activa.hidden = true;
        terminada.hidden = false;
        aviso.hidden = false;
      }, Math.max(0, restanteMs))
    ];
  }

  enlace.addEventListener("click", function (evento) {
    evento.preventDefault();
    fetch(enlace.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (respuesta) {
        if (!respuesta.ok || respuesta.redirected && /ingresar/.test(respuesta.url)) {
          window.location.href = enlace.href;  // the plain link's way
          return;
        }
        aviso.hidden = true;
        programar(duracion);
      })
      .catch(function () { window.location.href = enlace.href; });
  });

  programar(Number(cuerpo.dataset.sesionRestante) * 1000);
}());

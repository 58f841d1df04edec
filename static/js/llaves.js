// Passkeys (registro/cuentas/segundo_factor/llaves.py): a button with data-llave="agregar" or
// "ingresar" asks the server for options, hands them to the browser's WebAuthn and sends its
// answer back. Shown only where the browser can do it; without it a code still works.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) return;
  var ficha = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!ficha) return;

  function pedir(url, cuerpo) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": ficha.value, "Content-Type": "application/json" },
      body: cuerpo || "{}"
    }).then(function (respuesta) {
      return respuesta.json().then(function (datos) {
        if (!respuesta.ok) throw datos;
        return datos;
      });
    });
  }

  document.querySelectorAll("[data-llave]").forEach(function (boton) {
    var estado = document.getElementById(boton.dataset.estado);
    boton.hidden = false;
    boton.addEventListener("click", function () {
      estado.textContent = boton.dataset.esperando;
      pedir(boton.dataset.opciones).then(function (opciones) {
        if (boton.dataset.llave === "agregar") {
          var crear = PublicKeyCredential.parseCreationOptionsFromJSON(opciones);
          return navigator.credentials.create({ publicKey: crear });
        }
        var pedirLlave = PublicKeyCredential.parseRequestOptionsFromJSON(opciones);
        return navigator.credentials.get({ publicKey: pedirLlave });
      }).then(function (credencial) {
        return pedir(boton.dataset.enviar, JSON.stringify(credencial.toJSON()));
      }).then(function (respuesta) {
        window.location.href = respuesta.siguiente;
      }).catch(function (error) {
        estado.textContent = (error && error.error) || boton.dataset.fallo;
      });
    });
  });
}());

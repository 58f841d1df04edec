// "Actualizar Imagen" with JavaScript: fetch a new challenge without reloading,
// so nothing typed in the form is lost. Without JavaScript the button submits
// the form and the server draws a new image.
document.addEventListener("DOMContentLoaded", function () {
  var boton = document.querySelector("[data-actualizar-captcha]");
  if (!boton) return;

  // Past the limit of new images the server says so (429): the page stays as it is,
  // with the image already shown, and the message is read out.
  function avisar(caja, mensaje) {
    var aviso = caja.querySelector(".captcha-aviso");
    if (!aviso) {
      aviso = document.createElement("p");
      aviso.className = "error captcha-aviso";
      aviso.setAttribute("role", "alert");
      caja.appendChild(aviso);
    }
    aviso.textContent = mensaje;
  }

  boton.addEventListener("click", function (evento) {
    evento.preventDefault();
    var caja = boton.closest(".captcha");
    var clave = caja.querySelector("input[type=hidden]");
    // The image replaced is deleted on the server: it cannot be answered any more.
    var url = boton.dataset.actualizarCaptcha + "?anterior=" + encodeURIComponent(clave.value);
    fetch(url, {headers: {"X-Requested-With": "XMLHttpRequest"}})
      .then(function (respuesta) {
        return respuesta.json().then(function (datos) {
          return {estado: respuesta.status, datos: datos};
        });
      })
      .then(function (r) {
        if (r.estado === 429) return avisar(caja, r.datos.mensaje);
        if (r.estado !== 200) throw new Error(r.estado);
        var datos = r.datos;
        var audio = caja.querySelector("a.captcha-audio");
        if (audio) audio.setAttribute("href", audio.getAttribute("href").replace(clave.value, datos.key));
        caja.querySelector("img.captcha-imagen").src = datos.image_url;
        clave.value = datos.key;
        var respuesta = caja.querySelector("input[type=text]");
        respuesta.value = "";
        respuesta.focus();
      })
      .catch(function () { boton.form.requestSubmit(boton); });
  });
});

// "Actualizar Imagen" with JavaScript: fetch a new challenge without reloading,
// so nothing typed in the form is lost. Without JavaScript the button submits
// the form and the server draws a new image.
document.addEventListener("DOMContentLoaded", function () {
  var boton = document.querySelector("[data-actualizar-captcha]");
  if (!boton) return;
  boton.addEventListener("click", function (evento) {
    evento.preventDefault();
    var caja = boton.closest(".captcha");
    fetch(boton.dataset.actualizarCaptcha, {headers: {"X-Requested-With": "XMLHttpRequest"}})
      .then(function (respuesta) { return respuesta.json(); })
      .then(function (datos) {
        var clave = caja.querySelector("input[type=hidden]");
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

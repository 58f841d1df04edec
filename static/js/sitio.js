// Behaviour every page shares. Without JavaScript the menu opens with CSS
// (:hover, :focus-within) and password fields are plain; this script takes over
// when it runs, so that Escape closes the menu and passwords can be shown.
document.documentElement.classList.add("js");

function iniciarDesplegable(contenedor) {
  var boton = contenedor.querySelector(".desplegable-boton");
  var enlaces = Array.prototype.slice.call(contenedor.querySelectorAll(".desplegable-lista a"));

  function abrir() { boton.setAttribute("aria-expanded", "true"); }
  function cerrar() { boton.setAttribute("aria-expanded", "false"); }
  function abierto() { return boton.getAttribute("aria-expanded") === "true"; }
  function enfocar(indice) {
    abrir();
    enlaces[(indice + enlaces.length) % enlaces.length].focus();
  }

  // Hovering opens the menu; the click that usually follows must not close it again.
  var abiertoAlPasar = false;
  boton.addEventListener("click", function () {
    if (abiertoAlPasar) {
      abiertoAlPasar = false;
      abrir();
    } else {
      abierto() ? cerrar() : abrir();
    }
  });
  contenedor.addEventListener("pointerenter", function (e) {
    if (e.pointerType === "mouse" && !abierto()) {
      abiertoAlPasar = true;
      abrir();
    }
  });
  contenedor.addEventListener("pointerleave", function (e) {
    if (e.pointerType === "mouse") {
      abiertoAlPasar = false;
      cerrar();
    }
  });
  contenedor.addEventListener("focusout", function (e) {
    if (!contenedor.contains(e.relatedTarget)) cerrar();
  });
  contenedor.addEventListener("keydown", function (e) {
    var actual = enlaces.indexOf(document.activeElement);
    if (e.key === "Escape" && abierto()) {
      cerrar();
      boton.focus();
    } else if (e.key === "ArrowDown") {
      enfocar(actual + 1);
    } else if (e.key === "ArrowUp") {
      enfocar(actual === -1 ? -1 : actual - 1);
    } else if (e.key === "Home" && actual !== -1) {
      enfocar(0);
    } else if (e.key === "End" && actual !== -1) {
      enfocar(-1);
    } else {
      return;
    }
    e.preventDefault();
  });
  document.addEventListener("click", function (e) {
    if (!contenedor.contains(e.target)) cerrar();
  });
}

function iniciarMostrarContrasena(campo, textos) {
  var boton = document.createElement("button");
  boton.type = "button";
  boton.className = "boton-mostrar";
  boton.setAttribute("aria-controls", campo.id);
  boton.setAttribute("aria-pressed", "false");
  // Two fields, two buttons: the spoken name says which field each one shows.
  var etiqueta = document.querySelector("label[for='" + campo.id + "']");
  var nombre = etiqueta ? " " + etiqueta.textContent.replace(/:\s*$/, "").toLowerCase() : "";
  function rotular(texto) {
    boton.textContent = texto;
    boton.setAttribute("aria-label", texto + nombre);
  }
  rotular(textos.mostrar);
  boton.addEventListener("click", function () {
    var visible = campo.type === "text";
    campo.type = visible ? "password" : "text";
    boton.setAttribute("aria-pressed", String(!visible));
    rotular(visible ? textos.mostrar : textos.ocultar);
  });
  campo.insertAdjacentElement("afterend", boton);
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-desplegable]").forEach(iniciarDesplegable);
  document.querySelectorAll("form[data-mostrar]").forEach(function (formulario) {
    var textos = {mostrar: formulario.dataset.mostrar, ocultar: formulario.dataset.ocultar};
    formulario.querySelectorAll("input[type=password]").forEach(function (campo) {
      iniciarMostrarContrasena(campo, textos);
    });
    // Never send a password shown as text back into the page's history.
    formulario.addEventListener("submit", function () {
      formulario.querySelectorAll(".boton-mostrar[aria-pressed=true]").forEach(function (b) { b.click(); });
    });
  });
});

// After a failed submit, move focus to the error summary so it is read first.
document.addEventListener("DOMContentLoaded", function () {
  var resumen = document.getElementById("resumen-errores");
  if (resumen) resumen.focus();
});

// The print view's only script: the Print button (CSP forbids inline handlers).
document.getElementById("print").addEventListener("click", function () { window.print(); });

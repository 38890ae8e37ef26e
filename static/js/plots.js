// Draw every figure that the server embedded as a JSON data block (see reviews/templatetags/plots.py).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-figure]").forEach(function (container) {
    var spec = JSON.parse(document.getElementById(container.dataset.figure).textContent);
    Plotly.newPlot(container, spec.data, spec.layout || {}, { responsive: true, displaylogo: false });
  });
});

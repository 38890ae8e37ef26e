// Suggest a project's address from its title while the address has not been typed by hand
// (the server makes the same suggestion when the address is left blank).
(function () {
  "use strict";
  var title = document.getElementById("id_title");
  var slug = document.getElementById("id_slug");
  if (!title || !slug) return;
  var max = parseInt(slug.getAttribute("maxlength") || "80", 10);
  var edited = slug.value !== "";
  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9\s-]/g, "").trim().replace(/[\s-]+/g, "-").slice(0, max).replace(/-+$/, "");
  }
  slug.addEventListener("input", function () { edited = slug.value !== ""; });
  title.addEventListener("input", function () { if (!edited) slug.value = slugify(title.value); });
})();

// Starts Swagger UI on /api/v1/docs (a file, not an inline script: the page's policy runs
// only this site's scripts).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.documentUrl,
    domNode: root,
    deepLinking: true,
    displayOperationId: true,
    displayRequestDuration: true,
    // Never ask a validator elsewhere about the document.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});

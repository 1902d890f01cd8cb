// The OpenAPI viewer (swagger-ui, served by this server) on the generated document.
window.SwaggerUIBundle({ url: '/docs/openapi.yaml', dom_id: '#openapi', deepLinking: true, validatorUrl: null });

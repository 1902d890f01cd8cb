// The AsyncAPI viewer (@asyncapi/react-component's standalone bundle, served by this
// server) on the generated document.
window.AsyncApiStandalone.render(
  { schema: { url: '/docs/asyncapi.yaml', options: { method: 'GET' } }, config: { show: { sidebar: true } } },
  document.getElementById('asyncapi'),
);

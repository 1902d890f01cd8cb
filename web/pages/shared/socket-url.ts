// The socket lives on the page's own origin at /ws, so the session cookie rides along.
export function socketUrl(location: Location = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

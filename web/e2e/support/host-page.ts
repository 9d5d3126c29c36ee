// A third-party website on another origin (http://localhost:PORT, while Raasel runs on
// http://127.0.0.1:PORT) that embeds the widget with its script tag.

import http from 'node:http';
import { freePort } from './server';

export interface HostSite {
  url: string;
  close(): Promise<void>;
}

export async function startHostSite(raaselUrl: string, attributes: Record<string, string>): Promise<HostSite> {
  const port = await freePort();
  const attrs = Object.entries(attributes)
    .map(([k, v]) => ` ${k}="${v}"`)
    .join('');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Garden Supplies</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"></head>
<body><main><h1>Garden Supplies</h1><p>Seeds, tools and advice.</p></main>
<script src="${raaselUrl}/widget.js"${attrs} async></script>
</body></html>`;
  const server = http.createServer((req, res) => {
    if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://localhost:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A site of hand-written pages (path → HTML, given the site's own URL), e.g. pages that frame
 * the widget's chat window themselves, served at `http://HOSTNAME:PORT` (127.0.0.1 makes it the
 * same site as Raasel on another port: another origin whose frames share the storage of
 * Raasel's own pages).
 */
export async function startPages(hostname: '127.0.0.1' | 'localhost', make: (url: string) => Record<string, string>): Promise<HostSite> {
  const port = await freePort();
  const url = `http://${hostname}:${port}`;
  const pages = make(url);
  const server = http.createServer((req, res) => {
    const html = pages[(req.url ?? '/').split('?')[0]];
    if (html === undefined) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

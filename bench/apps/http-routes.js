'use strict';
// The HTTP benchmark app, given the modules it runs on (http-app.js: CommonJS; http-app.mjs: ES
// module): express, GET /users/:id, and GET /chain, which calls /users/1 on itself over HTTP
// (server → client → server). No tracing code; FLOOR=1 adds the propagation floor by hand
// (floor.js): each request handled inside the context its `traceparent` carries, each call
// writing both trace headers. On SIGTERM it stops accepting and lets the event
// loop empty, so every agent flushes the way it does on a normal exit.
exports.serve = function serve(http, express) {
  const floor = process.env.FLOOR === '1' ? require('./floor') : undefined;
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const app = express();
  app.get('/users/:id', (req, res) => res.json({ id: req.params.id, name: 'Ada' }));
  app.get('/chain', (req, res) => {
    http
      .get({ host: '127.0.0.1', port: server.address().port, path: '/users/1', agent: keepAlive, headers: floor ? floor.traceHeaders() : undefined }, (downstream) => {
        let body = '';
        downstream.setEncoding('utf8');
        downstream.on('data', (chunk) => (body += chunk));
        downstream.on('end', () => res.type('json').send(body));
      })
      .on('error', () => res.sendStatus(502));
  });

  const handler = floor ? (req, res) => floor.runWithContextOf(req.headers, () => app(req, res)) : app;
  const server = http.createServer(handler).listen(Number(process.env.PORT || 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
  process.on('SIGTERM', () => {
    keepAlive.destroy();
    server.close();
    server.closeAllConnections();
  });
  return server;
};

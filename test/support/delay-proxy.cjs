'use strict';
// A TCP proxy in front of the identity API that can hold every connection for a while,
// to make the real API "answer slowly" without changing it.
const net = require('node:net');
const { freePort } = require('./processes.cjs');

async function startDelayProxy({ targetPort, targetHost = '127.0.0.1' }) {
  const port = await freePort();
  let delayMs = 0;
  const sockets = new Set();
  const timers = new Set();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    client.pause();
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (client.destroyed) return;
      const upstream = net.connect(targetPort, targetHost);
      sockets.add(upstream);
      upstream.on('close', () => { sockets.delete(upstream); client.destroy(); });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('connect', () => { client.pipe(upstream); upstream.pipe(client); client.resume(); });
    }, delayMs);
    timers.add(timer);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    /** Hold each new connection this long before it reaches the API. */
    setDelay(ms) { delayMs = ms; },
    /** Cut every open connection (a pool must then connect again, through the delay). */
    dropConnections() { for (const socket of sockets) socket.destroy(); },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

module.exports = { startDelayProxy };

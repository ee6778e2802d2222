// HTTP load shared by the benchmarks: autocannon as a promise, and the user look-up load.
const autocannon = require('autocannon');

function cannon(opts) {
  return new Promise((resolve, reject) => autocannon(opts, (error, result) => (error ? reject(error) : resolve(result))));
}

/** GET /v1/users/{name} for random names among `users` seeded as "Bench user N"; 32 connections. */
async function userLookups(url, secret, { users, seconds }) {
  const headers = { authorization: `Bearer ${secret}` };
  const result = await cannon({
    url,
    connections: 32,
    duration: seconds,
    requests: [{ method: 'GET', headers, setupRequest: (req) => ({ ...req, path: `/v1/users/Bench_user_${Math.floor(Math.random() * users)}` }) }],
  });
  if (result.non2xx) throw new Error(`user look-up answered ${result.non2xx} non-2xx`);
  return result;
}

module.exports = { cannon, userLookups };

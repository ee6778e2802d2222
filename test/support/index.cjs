'use strict';
// The full-stack harness in one import.
module.exports = {
  ...require('./processes.cjs'),
  ...require('./identity-api.cjs'),
  ...require('./wiki.cjs'),
  ...require('./wiki-client.cjs'),
  ...require('./browser.cjs'),
  ...require('./delay-proxy.cjs'),
};

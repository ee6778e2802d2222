'use strict';
const { httpRequest } = require('./processes.cjs');
// A script's view of the wiki, as in the support thread: action=query&meta=tokens&type=login,
// then action=clientlogin, keeping cookies between requests like a browser would.

class WikiClient {
  constructor(apiUrl) {
    this.apiUrl = apiUrl;
    this.cookies = new Map();
  }

  async call(params, { method = 'POST' } = {}) {
    const body = new URLSearchParams({ format: 'json', formatversion: '2', ...params });
    const headers = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    const res = method === 'GET'
      ? await httpRequest(`${this.apiUrl}?${body}`, { headers })
      : await httpRequest(this.apiUrl, {
        method, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString(),
      });
    for (const line of res.headers['set-cookie'] || []) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now())
        || attrs.some((a) => /^\s*max-age=0/i.test(a));
      if (expired || value === 'deleted' || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const { text } = res;
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`wiki answered HTTP ${res.status} with non-JSON: ${text.slice(0, 300)}`);
    }
  }

  async loginToken() {
    const data = await this.call({ action: 'query', meta: 'tokens', type: 'login' }, { method: 'GET' });
    return data.query.tokens.logintoken;
  }

  /** The whole clientlogin round trip (token fetch included); returns the clientlogin object. */
  async clientLogin(username, password, { rememberMe = false } = {}) {
    const logintoken = await this.loginToken();
    const data = await this.call({
      action: 'clientlogin', username, password, logintoken,
      loginreturnurl: 'http://127.0.0.1/', ...(rememberMe ? { rememberMe: '1' } : {}),
    });
    if (!data.clientlogin) throw new Error(`clientlogin error: ${JSON.stringify(data)}`);
    return data.clientlogin;
  }

  async userInfo() {
    const data = await this.call({ action: 'query', meta: 'userinfo', uiprop: 'email|realname|groups|registrationdate' }, { method: 'GET' });
    return data.query.userinfo;
  }

  /** The English text of a message, with parameters, as the wiki renders it. */
  async message(key, params = []) {
    const data = await this.call({
      action: 'query', meta: 'allmessages', ammessages: key, amlang: 'en',
      ...(params.length ? { amargs: params.join('|') } : {}),
    }, { method: 'GET' });
    return data.query.allmessages[0].content;
  }
}

module.exports = { WikiClient };

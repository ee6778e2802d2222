import { Injectable } from '@nestjs/common';

/** HTTP to the wikis' back channel behind an interface, so the outbox is tested without a network. */
export abstract class WikiNotifier {
  /** POSTs {logoutToken} to `url`; the HTTP status, or null when the wiki did not answer in time. */
  abstract notify(url: string, logoutToken: string, timeoutMs: number): Promise<number | null>;
}

@Injectable()
export class FetchWikiNotifier extends WikiNotifier {
  async notify(url: string, logoutToken: string, timeoutMs: number): Promise<number | null> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ logoutToken }),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return null;
    }
  }
}

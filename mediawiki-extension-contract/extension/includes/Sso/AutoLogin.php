<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use MediaWiki\Config\Config;
use MediaWiki\Request\WebResponse;

/**
 * State of the automatic-login bounce, kept in one cookie of the wiki:
 * absent → not tried; "pending" → test cookie set, bounce on the next view if it comes back;
 * "done" → tried (or logged in, or logged out) recently: never bounce again until it expires.
 * A browser that does not keep cookies never gets past "absent", so it is never bounced.
 */
class AutoLogin {
	public const COOKIE = 'AuthBridgeAutoLogin';
	public const PENDING = 'pending';
	public const DONE = 'done';
	/** Query flag on the self-redirect that sets the test cookie. */
	public const CHECK_PARAM = 'authbridgecc';
	/** User agents that are never bounced: crawlers and scripts follow no login dance. */
	public const BOT_AGENTS = '/bot\b|bot\/|crawl|spider|slurp|archiver|fetcher|curl\/|wget\/|python|java\/|libwww'
		. '|httpclient|okhttp|go-http-client|node-fetch|axios|feed|preview|monitor/i';

	/** Mark the bounce as done for $wgAuthBridgeAutoLoginPause seconds. */
	public static function remember( WebResponse $response, Config $config ): void {
		$pause = (int)$config->get( 'AuthBridgeAutoLoginPause' );
		$response->setCookie( self::COOKIE, self::DONE, time() + max( 60, $pause ), [ 'httpOnly' => true ] );
	}

	public static function markPending( WebResponse $response ): void {
		$response->setCookie( self::COOKIE, self::PENDING, time() + 300, [ 'httpOnly' => true ] );
	}

	public static function isBot( string $userAgent ): bool {
		return $userAgent === '' || (bool)preg_match( self::BOT_AGENTS, $userAgent );
	}
}

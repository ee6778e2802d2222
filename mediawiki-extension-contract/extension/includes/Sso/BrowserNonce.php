<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use MediaWiki\Request\WebRequest;

/**
 * Binds a ticket to the browser that asked for it, as OpenID Connect's `nonce` does (SPEC.md,
 * "Binding a ticket to the browser"). The wiki keeps a random nonce in a cookie and sends only
 * its SHA-256 through the website into the ticket, so the value that travels in URLs never
 * reveals the cookie. A ticket opened in another browser finds no matching cookie there, which
 * closes login CSRF with a user's own ticket.
 *
 * The cookie is `__Host-` (Secure, no Domain, Path=/), so a sibling subdomain cannot set it,
 * lives for one flow and is cleared when used. Its hash is also kept in this browser's wiki
 * session, and a cookie counts only when the session holds its hash: a nonce planted some other
 * way (a sibling subdomain on a browser without prefix support, a proxy) binds nobody.
 */
class BrowserNonce {
	/** Never prefixed with $wgCookiePrefix: the `__Host-` prefix must come first. */
	public const COOKIE = '__Host-AuthBridgeSsoNonce';
	public const SESSION_KEY = 'AuthBridgeSsoNonce';
	/** Long enough to log in on the website on the way; a second start replaces the nonce. */
	public const LIFETIME = 600;

	/** The cookie's attributes for WebResponse::setCookie(): what `__Host-` requires, whatever $wgCookie* say. */
	private const COOKIE_OPTIONS = [
		'prefix' => '', 'domain' => '', 'path' => '/', 'secure' => true, 'httpOnly' => true,
		// Lax: the browser comes back from the website with a top-level GET, which carries it.
		'sameSite' => 'Lax',
	];

	/**
	 * Browsers keep Secure cookies only from HTTPS pages and from loopback addresses (which they
	 * treat as secure contexts); anywhere else the nonce would never come back.
	 */
	public static function canBindThisBrowser( WebRequest $request ): bool {
		if ( $request->getProtocol() === 'https' ) {
			return true;
		}
		// The host the browser asked for (the cookie's host), else the wiki's $wgServer
		$hostHeader = (string)$request->getHeader( 'Host' );
		$host = strtolower( (string)parse_url(
			$hostHeader !== '' ? "http://$hostHeader" : $request->getFullRequestURL(),
			PHP_URL_HOST
		) );
		return $host === 'localhost' || str_ends_with( $host, '.localhost' ) || $host === '[::1]'
			|| preg_match( '/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/', $host );
	}

	/**
	 * Sets a fresh nonce cookie in this browser and notes its hash in the wiki session.
	 *
	 * @param WebRequest $request
	 * @param int $now
	 * @return string the `nonce` to hand to the website (the hash, never the cookie)
	 */
	public static function start( WebRequest $request, int $now ): string {
		$nonce = sodium_bin2base64( random_bytes( 32 ), SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING );
		$request->response()->setCookie( self::COOKIE, $nonce, $now + self::LIFETIME, self::COOKIE_OPTIONS );
		$hash = self::hash( $nonce );
		$session = $request->getSession();
		$session->set( self::SESSION_KEY, [ 'hash' => $hash, 'expires' => $now + self::LIFETIME ] );
		// An anonymous visitor's session is not kept otherwise.
		$session->persist();
		return $hash;
	}

	/**
	 * This browser's nonce, used up: the cookie only when this wiki session started the flow
	 * with it (and not longer ago than the lifetime). Cookie and session note are cleared
	 * whatever the outcome, so the next attempt starts over.
	 *
	 * @param WebRequest $request
	 * @param int $now
	 * @return array [ string|null nonce, string|null why there is none, for the log ]
	 */
	public static function take( WebRequest $request, int $now ): array {
		$cookie = $request->getCookie( self::COOKIE, '' );
		$noted = $request->getSession()->get( self::SESSION_KEY );
		self::clear( $request );
		if ( !is_string( $cookie ) || $cookie === '' ) {
			return [ null, 'this browser has no nonce cookie' ];
		}
		if ( !is_array( $noted ) || !is_string( $noted['hash'] ?? null ) || !is_int( $noted['expires'] ?? null ) ) {
			return [ null, 'the nonce cookie was not set for this wiki session (planted?)' ];
		}
		if ( $noted['expires'] < $now ) {
			return [ null, 'the nonce is older than ' . self::LIFETIME . ' s' ];
		}
		if ( !hash_equals( $noted['hash'], self::hash( $cookie ) ) ) {
			return [ null, 'the nonce cookie is not the one this wiki session set (planted?)' ];
		}
		return [ $cookie, null ];
	}

	public static function clear( WebRequest $request ): void {
		if ( $request->getCookie( self::COOKIE, '' ) !== null ) {
			$request->response()->clearCookie( self::COOKIE, self::COOKIE_OPTIONS );
		}
		$session = $request->getSession();
		if ( $session->exists( self::SESSION_KEY ) ) {
			$session->remove( self::SESSION_KEY );
		}
	}

	/** base64url( SHA-256( nonce ) ), as in the ticket's `nonce` claim. */
	public static function hash( string $nonce ): string {
		return sodium_bin2base64( hash( 'sha256', $nonce, true ), SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING );
	}

	/**
	 * @param array $claims a verified ticket's claims
	 * @param string|null $cookie this browser's nonce (take()), null when it has none
	 * @param bool $required $wgAuthBridgeSsoRequireNonce: refuse tickets that carry no nonce
	 * @param string|null $why why there is no nonce, for the exception
	 * @throws TicketException WRONG_BROWSER
	 */
	public static function check( array $claims, ?string $cookie, bool $required, ?string $why = null ): void {
		$claimed = $claims['nonce'] ?? null;
		if ( $claimed === null && !$required ) {
			return;
		}
		if ( !is_string( $claimed ) ) {
			throw new TicketException( TicketException::WRONG_BROWSER, 'the ticket carries no nonce' );
		}
		if ( $cookie === null || $cookie === '' ) {
			throw new TicketException( TicketException::WRONG_BROWSER, $why ?? 'this browser has no nonce cookie' );
		}
		if ( !hash_equals( self::hash( $cookie ), $claimed ) ) {
			throw new TicketException( TicketException::WRONG_BROWSER, "the ticket's nonce is not this browser's" );
		}
	}
}

<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use WebResponse;

/**
 * Binds a ticket to the browser that asked for it, as OpenID Connect's `nonce` does (SPEC.md,
 * "Binding a ticket to the browser"). The wiki keeps a random nonce in an HttpOnly cookie and
 * sends only its SHA-256 through the website into the ticket, so the value that travels in
 * URLs never reveals the cookie. A ticket opened in another browser finds no matching cookie
 * there, which closes login CSRF with a user's own ticket.
 */
class BrowserNonce {
	public const COOKIE = 'AuthBridgeSsoNonce';
	/** Long enough to log in on the website on the way; a second start replaces the nonce. */
	public const LIFETIME = 600;

	/**
	 * Sets a fresh nonce cookie in this browser.
	 *
	 * @param WebResponse $response
	 * @return string the `nonce` to hand to the website (the hash, never the cookie)
	 */
	public static function start( WebResponse $response ): string {
		$nonce = sodium_bin2base64( random_bytes( 32 ), SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING );
		// Lax: the browser comes back from the website with a top-level GET, which carries it.
		$response->setCookie( self::COOKIE, $nonce, time() + self::LIFETIME, [ 'httpOnly' => true, 'sameSite' => 'Lax' ] );
		return self::hash( $nonce );
	}

	public static function clear( WebResponse $response ): void {
		$response->clearCookie( self::COOKIE, [ 'httpOnly' => true, 'sameSite' => 'Lax' ] );
	}

	/** base64url( SHA-256( nonce ) ), as in the ticket's `nonce` claim. */
	public static function hash( string $nonce ): string {
		return sodium_bin2base64( hash( 'sha256', $nonce, true ), SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING );
	}

	/**
	 * @param array $claims a verified ticket's claims
	 * @param string|null $cookie this browser's nonce cookie, null when it has none
	 * @param bool $required $wgAuthBridgeSsoRequireNonce: refuse tickets that carry no nonce
	 * @throws TicketException WRONG_BROWSER
	 */
	public static function check( array $claims, ?string $cookie, bool $required ): void {
		$claimed = $claims['nonce'] ?? null;
		if ( $claimed === null && !$required ) {
			return;
		}
		if ( !is_string( $claimed ) ) {
			throw new TicketException( TicketException::WRONG_BROWSER, 'the ticket carries no nonce' );
		}
		if ( $cookie === null || $cookie === '' ) {
			throw new TicketException( TicketException::WRONG_BROWSER, 'this browser has no nonce cookie' );
		}
		if ( !hash_equals( self::hash( $cookie ), $claimed ) ) {
			throw new TicketException( TicketException::WRONG_BROWSER, "the ticket's nonce is not this browser's" );
		}
	}
}

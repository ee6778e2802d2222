<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use Wikimedia\ObjectCache\BagOStuff;

/**
 * The wiki's own note of tickets it has seen, in MediaWiki's main stash (BagOStuff::add is
 * atomic). The identity API's redeem is the authority on "used once"; this only stops a
 * replay before any network call, and still works if two API stores were ever mixed up.
 */
class UsedTickets {
	/** @var BagOStuff */
	private $stash;

	public function __construct( BagOStuff $stash ) {
		$this->stash = $stash;
	}

	/**
	 * @param string $jti
	 * @param int $exp the token's expiry (seconds since the epoch)
	 * @param int $now
	 * @throws TicketException REPLAYED when this jti was seen before
	 */
	public function consume( string $jti, int $exp, int $now ): void {
		$ttl = max( 1, $exp - $now + TicketVerifier::LEEWAY + 1 );
		$key = $this->stash->makeGlobalKey( 'authbridge-sso-jti', $jti );
		if ( !$this->stash->add( $key, 1, $ttl ) ) {
			throw new TicketException( TicketException::REPLAYED, 'seen before by this wiki' );
		}
	}
}

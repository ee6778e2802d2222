<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use MediaWiki\Extension\AuthBridge\ApiClient;
use MediaWiki\Extension\AuthBridge\UnexpectedResponseException;
use Wikimedia\ObjectCache\BagOStuff;
use Wikimedia\ObjectCache\WANObjectCache;

/**
 * The identity API's public keys, cached in the WAN cache for TicketVerifier::JWKS_MAX_AGE (30 s,
 * the API's max-age) so a login rarely costs a JWKS fetch and a retired key stops verifying
 * within the rotation window. A kid not in the cache (a key rotated in since) triggers one fresh fetch, at
 * most every ten seconds, so forged kids cannot make the wiki hammer the API.
 */
class JwksStore {
	private const TTL = TicketVerifier::JWKS_MAX_AGE;
	private const REFRESH_PAUSE = 10;

	/** @var ApiClient */
	private $client;
	/** @var WANObjectCache */
	private $cache;
	/** @var BagOStuff */
	private $stash;
	/** @var string */
	private $apiUrl;

	public function __construct( ApiClient $client, WANObjectCache $cache, BagOStuff $stash, string $apiUrl ) {
		$this->client = $client;
		$this->cache = $cache;
		$this->stash = $stash;
		$this->apiUrl = $apiUrl;
	}

	/**
	 * @param string|null $kid the key the token names
	 * @return string[] kid => Ed25519 public key
	 * @throws UnexpectedResponseException when the keys cannot be fetched
	 */
	public function keys( ?string $kid ): array {
		$key = $this->cache->makeGlobalKey( 'authbridge-jwks', sha1( $this->apiUrl ) );
		$failure = null;
		$jwks = $this->cache->getWithSetCallback( $key, self::TTL, function () use ( &$failure ) {
			try {
				return $this->client->fetchJwks();
			} catch ( UnexpectedResponseException $e ) {
				$failure = $e;
				return false;
			}
		} );
		if ( $failure ) {
			throw $failure;
		}
		$keys = TicketVerifier::keysFromJwks( (array)$jwks );
		if ( $kid !== null && !isset( $keys[$kid] )
			&& $this->stash->add(
				$this->stash->makeGlobalKey( 'authbridge-jwks-refresh', sha1( $this->apiUrl ) ),
				1,
				self::REFRESH_PAUSE
			)
		) {
			$jwks = $this->client->fetchJwks();
			$this->cache->set( $key, $jwks, self::TTL );
			$keys = TicketVerifier::keysFromJwks( $jwks );
		}
		return $keys;
	}
}

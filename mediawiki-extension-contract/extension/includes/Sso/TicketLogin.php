<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use MediaWiki\Extension\AuthBridge\ApiClient;
use MediaWiki\Extension\AuthBridge\UnexpectedResponseException;

/**
 * Turns a ticket into a proven identity: signature and claims checked locally against the
 * API's published keys (algorithm pinned, audience = this wiki), the jti noted locally, then
 * redeemed at the API, which uses it up atomically and answers the user as they are now.
 */
class TicketLogin {
	/** @var ApiClient */
	private $client;
	/** @var JwksStore */
	private $jwks;
	/** @var UsedTickets */
	private $used;
	/** @var string */
	private $issuer;
	/** @var string */
	private $wikiId;

	public function __construct(
		ApiClient $client, JwksStore $jwks, UsedTickets $used, string $issuer, string $wikiId
	) {
		$this->client = $client;
		$this->jwks = $jwks;
		$this->used = $used;
		$this->issuer = $issuer;
		$this->wikiId = $wikiId;
	}

	/**
	 * The browser check comes after the local used-ticket note (so a replay is reported as one,
	 * and a ticket opened in the wrong browser is burnt here) and before the redeem call.
	 *
	 * @param string $ticket
	 * @param int $now
	 * @param string|null $browserNonce this browser's nonce (BrowserNonce::take())
	 * @param bool $requireNonce $wgAuthBridgeSsoRequireNonce
	 * @param string|null $noNonceReason why there is no nonce, for the log
	 * @return array [ RedeemedTicket, array claims ]
	 * @throws TicketException
	 * @throws UnexpectedResponseException
	 */
	public function prove(
		string $ticket, int $now, ?string $browserNonce, bool $requireNonce = true, ?string $noNonceReason = null
	): array {
		$claims = $this->verify( $ticket, TicketVerifier::TYP_TICKET, $now );
		$this->used->consume( $claims['jti'], $claims['exp'], $now );
		BrowserNonce::check( $claims, $browserNonce, $requireNonce, $noNonceReason );
		$redeemed = $this->client->redeemTicket( $ticket );
		if ( $redeemed->user->username !== $claims['sub'] || $redeemed->audience !== $this->wikiId ) {
			throw new UnexpectedResponseException( 'redeem answered another user or wiki than the ticket names' );
		}
		return [ $redeemed, $claims ];
	}

	/**
	 * @param string $token
	 * @param string $typ
	 * @param int $now
	 * @return array claims
	 * @throws TicketException
	 * @throws UnexpectedResponseException
	 */
	public function verify( string $token, string $typ, int $now ): array {
		$keys = $this->jwks->keys( TicketVerifier::peekKid( $token ) );
		return ( new TicketVerifier( $keys, $this->issuer, $this->wikiId ) )->verify( $token, $typ, $now );
	}

	public function usedTickets(): UsedTickets {
		return $this->used;
	}
}

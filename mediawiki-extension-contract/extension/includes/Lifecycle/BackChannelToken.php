<?php

namespace MediaWiki\Extension\AuthBridge\Lifecycle;

use MediaWiki\Extension\AuthBridge\Generated\ContractConstants;
use MediaWiki\Extension\AuthBridge\Sso\TicketException;

/**
 * What a verified back-channel token asks of the wiki (SPEC.md, "The account's life follows the
 * website"; vectors/sso-account-events.json): the website user id, whether to end the sessions,
 * and the website state to record with its sequence number. The TypeScript twin is
 * readBackChannelClaims in libs/accounts.
 */
class BackChannelToken {
	public const LOGOUT_EVENT = ContractConstants::SSO_LOGOUT_EVENT;
	public const ACCOUNT_EVENT = ContractConstants::SSO_ACCOUNT_EVENT;
	public const CHANGES = [ 'disabled', 'enabled', 'deleted', 'password' ];

	/** @var string the website's stable user id */
	public $uid;
	/** @var string the user name when signed, for logs only */
	public $sub;
	/** @var bool end the sessions, remember-me tokens and bot passwords of the linked account */
	public $endSessions;
	/** @var string|null WebsiteState::ACTIVE, DISABLED or DELETED; null: record nothing */
	public $state;
	/** @var int|null */
	public $seq;

	private function __construct( string $uid, string $sub, bool $endSessions, ?string $state, ?int $seq ) {
		$this->uid = $uid;
		$this->sub = $sub;
		$this->endSessions = $endSessions;
		$this->state = $state;
		$this->seq = $seq;
	}

	/**
	 * @param array $claims verified by TicketVerifier (TYP_LOGOUT)
	 * @return self
	 * @throws TicketException INVALID when the token does not say what to do, or about whom
	 */
	public static function fromClaims( array $claims ): self {
		$uid = $claims['uid'] ?? null;
		$sub = $claims['sub'] ?? null;
		$events = $claims['events'] ?? null;
		// A token without uid (contract 1.1) names the account only by name: never enough.
		if ( !is_string( $uid ) || $uid === '' || strlen( $uid ) > 64 ) {
			throw new TicketException( TicketException::INVALID, 'no usable uid' );
		}
		if ( !is_string( $sub ) || $sub === '' ) {
			throw new TicketException( TicketException::INVALID, 'no subject' );
		}
		if ( !self::isObject( $events ) || !self::isObject( $events[self::LOGOUT_EVENT] ?? null ) ) {
			throw new TicketException( TicketException::INVALID, 'not a back-channel logout event' );
		}
		if ( !array_key_exists( self::ACCOUNT_EVENT, $events ) ) {
			return new self( $uid, $sub, true, null, null );
		}
		$account = $events[self::ACCOUNT_EVENT];
		if ( !self::isObject( $account ) ) {
			throw new TicketException( TicketException::INVALID, 'the account event is not an object' );
		}
		$change = $account['change'] ?? null;
		$state = $account['state'] ?? null;
		$seq = $account['seq'] ?? null;
		if ( !is_string( $change ) || $change === '' ) {
			throw new TicketException( TicketException::INVALID, 'the account event names no change' );
		}
		if ( !in_array( $state, WebsiteState::STATES, true ) ) {
			throw new TicketException( TicketException::INVALID, 'unknown account state' );
		}
		if ( !is_int( $seq ) || $seq < 1 ) {
			throw new TicketException( TicketException::INVALID, 'seq is not a positive integer' );
		}
		if ( !in_array( $change, self::CHANGES, true ) ) {
			// A change of a newer contract: the safe side is to end the sessions, and to record nothing.
			return new self( $uid, $sub, true, null, null );
		}
		return new self( $uid, $sub, $change !== 'enabled', $state, $seq );
	}

	/** @return array the vectors' `expect` form */
	public function toArray(): array {
		return [
			'uid' => $this->uid, 'sub' => $this->sub, 'endSessions' => $this->endSessions,
			'state' => $this->state, 'seq' => $this->seq,
		];
	}

	/**
	 * @param mixed $value
	 * @return bool a JSON object (json_decode gives an array that is not a list, or an empty one)
	 */
	private static function isObject( $value ): bool {
		return is_array( $value ) && ( $value === [] || !array_is_list( $value ) );
	}
}

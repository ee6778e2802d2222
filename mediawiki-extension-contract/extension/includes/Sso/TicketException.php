<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use Exception;

/**
 * A ticket or logout token that must not log anyone in (or out). The contract code says
 * which kind; the reason is for the administrator's log, never for the person.
 */
class TicketException extends Exception {
	public const INVALID = 'TICKET_INVALID';
	public const EXPIRED = 'TICKET_EXPIRED';
	public const REPLAYED = 'TICKET_REPLAYED';
	/** Signed and fresh, but for another wiki: a message of its own, so admins spot misconfiguration. */
	public const AUDIENCE = 'TICKET_AUDIENCE';
	public const DISABLED = 'ACCOUNT_DISABLED';
	public const UNKNOWN_USER = 'USER_NOT_FOUND';
	public const WRONG_CLIENT = 'TICKET_WRONG_CLIENT';
	/** Checked by the wiki alone (the API never sees the browser): no nonce, or another browser's. */
	public const WRONG_BROWSER = 'TICKET_NOT_FOR_THIS_BROWSER';
	/** Problem codes of POST /v1/sso/tickets/redeem that refuse the ticket (rather than fail). */
	public const REDEEM_CODES = [
		self::INVALID, self::EXPIRED, self::REPLAYED, self::DISABLED, self::UNKNOWN_USER, self::WRONG_CLIENT,
	];

	/** @var string */
	private $ticketCode;

	public function __construct( string $ticketCode, string $reason ) {
		parent::__construct( $reason );
		$this->ticketCode = $ticketCode;
	}

	/** @return string one of the constants; AUDIENCE is reported as TICKET_INVALID by the contract */
	public function getTicketCode(): string {
		return $this->ticketCode;
	}

	/** @return string the contract's code (SPEC.md) */
	public function getContractCode(): string {
		return $this->ticketCode === self::AUDIENCE ? self::INVALID : $this->ticketCode;
	}
}

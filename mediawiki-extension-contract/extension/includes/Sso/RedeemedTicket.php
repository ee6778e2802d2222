<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use MediaWiki\Extension\AuthBridge\RemoteUser;

/** What POST /v1/sso/tickets/redeem answers: the user as the website knows them now. */
class RedeemedTicket {
	/** @var RemoteUser */
	public $user;
	/** @var bool */
	public $remember;
	/** @var string|null */
	public $returnTo;
	/** @var string */
	public $audience;

	public function __construct( RemoteUser $user, bool $remember, ?string $returnTo, string $audience ) {
		$this->user = $user;
		$this->remember = $remember;
		$this->returnTo = $returnTo;
		$this->audience = $audience;
	}
}

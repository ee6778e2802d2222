<?php

namespace MediaWiki\Extension\AuthBridge;

/**
 * A valid answer of POST /v1/auth/verify: either PASS with a user or FAIL with a known code.
 * Anything else never becomes a VerifyResult (ApiClient throws UnexpectedResponseException).
 */
class VerifyResult {
	public const PASS = 'PASS';
	public const WRONG_PASSWORD = 'WRONG_PASSWORD';
	public const NO_SUCH_USER = 'NO_SUCH_USER';
	public const ACCOUNT_DISABLED = 'ACCOUNT_DISABLED';
	public const THROTTLED = 'THROTTLED';

	/** FAIL codes of contract version 1; an unknown code is an unexpected answer. */
	public const FAIL_CODES = [
		self::WRONG_PASSWORD, self::NO_SUCH_USER, self::ACCOUNT_DISABLED, self::THROTTLED,
	];

	/** @var string PASS or one of FAIL_CODES */
	private $outcome;
	/** @var RemoteUser|null */
	private $user;
	/** @var int|null */
	private $retryAfterSeconds;

	private function __construct( string $outcome, ?RemoteUser $user, ?int $retryAfterSeconds ) {
		$this->outcome = $outcome;
		$this->user = $user;
		$this->retryAfterSeconds = $retryAfterSeconds;
	}

	public static function newPass( RemoteUser $user ): self {
		return new self( self::PASS, $user, null );
	}

	public static function newFail( string $code, ?int $retryAfterSeconds = null ): self {
		return new self( $code, null, $retryAfterSeconds );
	}

	public function isPass(): bool {
		return $this->outcome === self::PASS;
	}

	/** @return string PASS or the FAIL code */
	public function getOutcome(): string {
		return $this->outcome;
	}

	public function getUser(): ?RemoteUser {
		return $this->user;
	}

	public function getRetryAfterSeconds(): ?int {
		return $this->retryAfterSeconds;
	}
}
